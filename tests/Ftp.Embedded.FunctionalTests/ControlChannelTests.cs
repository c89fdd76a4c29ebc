using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

public sealed class ControlChannelTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
    {
        o.Hosts.Add("ftp.example.com");
        o.Limits.MaxSessionsPerIp = 200;
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Greets_with_220_and_answers_QUIT_with_221_then_closes()
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync("QUIT", 221);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Commands_before_login_get_530_but_informational_ones_work()
    {
        await using var client = await _server.ConnectAsync();
        foreach (var command in new[] { "PWD", "CWD /", "LIST", "RETR x", "STOR x", "MKD x", "DELE x", "SIZE x", "PASV", "TYPE I", "REST 0", "MLST", "ALLO 10" })
        {
            await client.ExpectAsync(command, 530);
        }

        (await client.ExpectAsync("SYST", 215)).Text.Should().Be("UNIX Type: L8");
        await client.ExpectAsync("NOOP", 200);
        await client.ExpectAsync("FEAT", 211);
        await client.ExpectAsync("HELP", 214);
        await client.ExpectAsync("OPTS UTF8 ON", 200);
        await client.ExpectAsync("STAT", 211);
    }

    [Fact]
    public async Task Logs_in_a_local_user_and_rejects_a_wrong_password()
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS wrong", 530);
        await client.ExpectAsync("PWD", 530);
        await client.ExpectAsync("USER alice", 331);
        (await client.ExpectAsync("PASS secret", 230)).Text.Should().Be("User logged in, proceed.");
        await client.ExpectAsync("PASS secret", 503);
        (await client.ExpectAsync("PWD", 257)).Text.Should().Be("\"/\" is the current directory.");
    }

    [Fact]
    public async Task Unknown_users_get_331_like_known_ones_then_530()
    {
        await using var client = await _server.ConnectAsync();
        (await client.ExpectAsync("USER mallory", 331)).Text.Should().Be("User name okay, need password.");
        await client.ExpectAsync("PASS secret", 530);
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("ftp")]
    [InlineData("ANONYMOUS")]
    public async Task Anonymous_logs_in_with_any_password(string name)
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync($"USER {name}", 331);
        await client.ExpectAsync("PASS", 230);
    }

    [Fact]
    public async Task PASS_without_USER_is_a_bad_sequence()
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync("PASS secret", 503);
    }

    [Fact]
    public async Task Closes_the_connection_after_three_failed_logins()
    {
        await using var client = await _server.ConnectAsync();
        for (var i = 0; i < 2; i++)
        {
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS nope", 530);
        }

        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS nope", 530);
        await client.ExpectAsync(421);
        await client.ExpectClosedAsync();

        await using var other = await _server.LoginAsync();
    }

    [Fact]
    public async Task Unknown_verbs_get_500_and_known_unimplemented_ones_502()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("FOO bar", 500)).Text.Should().Be("'FOO': command not understood.");
        await client.ExpectAsync("SMNT /x", 502);
        await client.ExpectAsync("MFF x", 502);
    }

    [Fact]
    public async Task Verbs_are_case_insensitive_and_bare_LF_ends_a_line()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendRawAsync("syst\n"u8.ToArray());
        await client.ExpectAsync(215);
        await client.SendRawAsync("NoOp\r\n"u8.ToArray());
        await client.ExpectAsync(200);
    }

    [Fact]
    public async Task Telnet_IAC_sequences_are_removed()
    {
        await using var client = await _server.ConnectAsync();
        // IAC IP IAC DM (what clients send before ABOR), then NOOP; and IAC WILL x inside a verb.
        await client.SendRawAsync([0xFF, 0xF4, 0xFF, 0xF2, (byte)'N', (byte)'O', 0xFF, 0xFB, 0x01, (byte)'O', (byte)'P', 13, 10]);
        await client.ExpectAsync(200);
    }

    [Fact]
    public async Task Pipelined_commands_in_one_packet_are_answered_in_order()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendRawAsync("NOOP\r\nSYST\r\nUSER alice\r\nPASS secret\r\nPWD\r\n"u8.ToArray());
        await client.ExpectAsync(200);
        await client.ExpectAsync(215);
        await client.ExpectAsync(331);
        await client.ExpectAsync(230);
        await client.ExpectAsync(257);
    }

    [Fact]
    public async Task Invalid_UTF8_gets_501_and_the_session_goes_on()
    {
        await using var client = await _server.LoginAsync();
        await client.SendRawAsync([.. "CWD "u8, 0xC3, 0x28, 13, 10]);
        await client.ExpectAsync(501);
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_line_exactly_at_the_limit_is_parsed()
    {
        await using var client = await _server.LoginAsync();
        // 4096 bytes with CRLF: "NOOP " + padding + CRLF.
        var line = "NOOP " + new string('x', 4096 - 5 - 2);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        await client.ExpectAsync(200);
    }

    [Fact]
    public async Task A_line_one_byte_over_the_limit_gets_500_and_closes()
    {
        await using var client = await _server.LoginAsync();
        var line = "NOOP " + new string('x', 4096 - 5 - 1);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        var reply = await client.ExpectAsync(500);
        reply.Text.Should().Contain("too long");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_10_MB_line_without_CRLF_closes_that_session_and_others_keep_working()
    {
        await using var bystander = await _server.LoginAsync();
        await using var attacker = await _server.ConnectAsync();
        var chunk = new byte[1024 * 1024];
        chunk.AsSpan().Fill((byte)'A');
        try
        {
            for (var i = 0; i < 10; i++)
            {
                await attacker.SendRawAsync(chunk);
            }
        }
        catch (IOException)
        {
            // The server closed the connection mid-way: that is the point.
        }
        catch (OperationCanceledException)
        {
        }

        var reply = await attacker.ReadReplyAsync();
        reply.Code.Should().Be(500);
        await attacker.ExpectClosedAsync();
        await bystander.ExpectAsync("PWD", 257);
        await using var fresh = await _server.LoginAsync();
    }

    [Fact]
    public async Task FEAT_lists_what_works()
    {
        await using var client = await _server.ConnectAsync();
        var reply = await client.ExpectAsync("FEAT", 211);
        reply.Lines[0].Should().Be("211-Features:");
        reply.Lines[^1].Should().Be("211 End");
        reply.Lines.Skip(1).SkipLast(1).Should().OnlyContain(l => l.StartsWith(' ') && !l.StartsWith("  "));
        reply.Lines.Select(l => l.Trim()).Should().Contain(
        [
            "EPRT", "EPSV", "HOST", "MDTM", "MFMT", "MLST type*;size*;modify*;perm*;unique*;unix.mode;", "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8",
        ]);
        reply.Lines.Should().NotContain(l => l.Contains("AUTH"));
    }

    [Fact]
    public async Task HELP_lists_commands_and_describes_one()
    {
        await using var client = await _server.ConnectAsync();
        var all = await client.ExpectAsync("HELP", 214);
        all.Lines.Skip(1).SkipLast(1).Should().OnlyContain(l => l.StartsWith(' '));
        all.All.Should().Contain("RETR").And.Contain("MLSD").And.Contain("XPWD");
        (await client.ExpectAsync("HELP retr", 214)).Text.Should().Be("Syntax: RETR <path>");
        await client.ExpectAsync("HELP NOPE", 501);
    }

    [Fact]
    public async Task STAT_without_argument_reports_the_session()
    {
        await using var client = await _server.LoginAsync();
        var reply = await client.ExpectAsync("STAT", 211);
        reply.All.Should().Contain("Logged in as alice");
        reply.Lines[^1].Should().Be("211 End of status.");
    }

    [Theory]
    [InlineData("TYPE A", 200)]
    [InlineData("TYPE A N", 200)]
    [InlineData("TYPE I", 200)]
    [InlineData("type i", 200)]
    [InlineData("TYPE L 8", 200)]
    [InlineData("TYPE E", 504)]
    [InlineData("TYPE L 7", 504)]
    [InlineData("TYPE X", 501)]
    [InlineData("TYPE", 501)]
    [InlineData("MODE S", 200)]
    [InlineData("MODE B", 504)]
    [InlineData("MODE", 501)]
    [InlineData("STRU F", 200)]
    [InlineData("STRU R", 504)]
    [InlineData("ACCT x", 202)]
    [InlineData("ALLO 100", 202)]
    [InlineData("CLNT curl", 200)]
    [InlineData("OPTS UTF8 ON", 200)]
    [InlineData("OPTS UTF8 OFF", 200)]
    [InlineData("OPTS FOO", 501)]
    [InlineData("OPTS MLST type;size;", 200)]
    [InlineData("NOOP", 200)]
    public async Task Simple_commands_get_their_reply_codes(string command, int code)
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync(command, code);
    }

    [Fact]
    public async Task HOST_before_login_accepts_a_known_host_and_refuses_others()
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync("HOST other.example.com", 504);
        await client.ExpectAsync("HOST ftp.example.com", 220);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("HOST ftp.example.com", 503);
        await client.ExpectAsync("PASS secret", 230);
        await client.ExpectAsync("HOST ftp.example.com", 503);
    }

    [Fact]
    public async Task REIN_resets_the_session_to_before_login()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("CWD /", 250);
        await client.ExpectAsync("REIN", 220);
        await client.ExpectAsync("PWD", 530);
        await client.ExpectAsync("USER bob", 331);
        await client.ExpectAsync("PASS hunter2", 230);
    }

    [Fact]
    public async Task A_hundred_concurrent_sessions_log_in_and_out()
    {
        var tasks = Enumerable.Range(0, 100).Select(async i =>
        {
            await using var client = i % 2 == 0 ? await _server.LoginAsync("anonymous", "guest@") : await _server.LoginAsync();
            await client.ExpectAsync("PWD", 257);
            await client.ExpectAsync("QUIT", 221);
            await client.ExpectClosedAsync();
        });
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(90));
        await using var after = await _server.LoginAsync();
    }
}
