using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

public sealed class NavigationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MKD_CWD_PWD_CDUP_and_RMD_work_together()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("MKD docs", 257)).Text.Should().Be("\"/docs\" created.");
        await client.ExpectAsync("XMKD docs/sub", 257);
        await client.ExpectAsync("CWD docs/sub", 250);
        (await client.ExpectAsync("XPWD", 257)).Text.Should().StartWith("\"/docs/sub\"");
        await client.ExpectAsync("CDUP", 250);
        (await client.ExpectAsync("PWD", 257)).Text.Should().StartWith("\"/docs\"");
        await client.ExpectAsync("XCUP", 250);
        await client.ExpectAsync("XCWD /docs", 250);
        await client.ExpectAsync("RMD /docs", 550);
        await client.ExpectAsync("RMD sub", 250);
        await client.ExpectAsync("CDUP", 250);
        await client.ExpectAsync("XRMD docs", 250);
        await client.ExpectAsync("CWD docs", 550);
        (await _server.FileSystem.GetInfoAsync("/home/alice/docs", default)).Should().BeNull();
    }

    [Fact]
    public async Task Quotes_in_paths_are_doubled_in_257_replies()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("MKD say \"hi\"", 257)).Text.Should().Be("\"/say \"\"hi\"\"\" created.");
        await client.ExpectAsync("CWD say \"hi\"", 250);
        (await client.ExpectAsync("PWD", 257)).Text.Should().Be("\"/say \"\"hi\"\"\" is the current directory.");
    }

    [Fact]
    public async Task MKD_of_an_existing_name_is_550()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("MKD twice", 257);
        await client.ExpectAsync("MKD twice", 550);
        await client.ExpectAsync("MKD /", 550);
        await client.ExpectAsync("MKD missing/child", 550);
    }

    [Fact]
    public async Task CDUP_at_the_root_stays_at_the_root_and_dot_dot_cannot_climb_out()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("CDUP", 250);
        (await client.ExpectAsync("PWD", 257)).Text.Should().StartWith("\"/\"");
        await client.ExpectAsync("CWD ../../..", 250);
        (await client.ExpectAsync("PWD", 257)).Text.Should().StartWith("\"/\"");
        await _server.WriteFileAsync("/home/bob/secret.txt", "bob's"u8.ToArray());
        await client.ExpectAsync("SIZE ../bob/secret.txt", 550);
        await client.ExpectAsync("SIZE /../bob/secret.txt", 550);
        await client.ExpectAsync("CWD %2e%2e", 550);
    }

    [Theory]
    [InlineData("CWD a\\..\\..")]
    [InlineData("MKD a\\b")]
    [InlineData("DELE ..\\x")]
    public async Task Backslashes_are_refused_with_553(string command)
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync(command, 553);
    }

    [Fact]
    public async Task A_CR_inside_a_name_is_refused_and_cannot_forge_a_reply()
    {
        await using var client = await _server.LoginAsync();
        await client.SendRawAsync("MKD x\r299 FORGED\r\n"u8.ToArray());
        await client.ExpectAsync(553);
        // A LF ends the line: what follows is a separate, unknown command, never a reply line.
        await client.SendRawAsync("MKD y\n299 FORGED\r\n"u8.ToArray());
        await client.ExpectAsync(257);
        var reply = await client.ExpectAsync(500);
        reply.Lines.Should().ContainSingle();
    }

    [Fact]
    public async Task A_path_longer_than_the_limit_is_refused_with_553()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("MKD " + new string('a', 1023), 257);
        await client.ExpectAsync("MKD " + new string('b', 1024), 553);
    }

    [Fact]
    public async Task DELE_deletes_files_only()
    {
        await _server.WriteFileAsync("/home/alice/f.txt", "x"u8.ToArray());
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("MKD dir", 257);
        await client.ExpectAsync("DELE dir", 550);
        await client.ExpectAsync("DELE nothing", 550);
        await client.ExpectAsync("DELE", 501);
        await client.ExpectAsync("DELE f.txt", 250);
        (await _server.FileSystem.GetInfoAsync("/home/alice/f.txt", default)).Should().BeNull();
    }

    [Fact]
    public async Task RNFR_and_RNTO_rename_and_any_other_command_cancels_RNFR()
    {
        await _server.WriteFileAsync("/home/alice/old.txt", "content"u8.ToArray());
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("RNTO new.txt", 503);
        await client.ExpectAsync("RNFR missing.txt", 550);
        await client.ExpectAsync("RNFR old.txt", 350);
        await client.ExpectAsync("NOOP", 200);
        await client.ExpectAsync("RNTO new.txt", 503);
        await client.ExpectAsync("RNFR old.txt", 350);
        await client.ExpectAsync("RNTO new.txt", 250);
        (await _server.ReadFileAsync("/home/alice/new.txt")).Should().Equal("content"u8.ToArray());
        (await _server.ReadFileAsync("/home/alice/old.txt")).Should().BeNull();
    }

    [Fact]
    public async Task SIZE_and_MDTM_describe_files_and_refuse_directories()
    {
        await _server.WriteFileAsync("/home/alice/data.bin", new byte[12345]);
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("SIZE data.bin", 213)).Text.Should().Be("12345");
        (await client.ExpectAsync("MDTM data.bin", 213)).Text.Should().MatchRegex(@"^\d{14}$");
        await client.ExpectAsync("SIZE /", 550);
        await client.ExpectAsync("SIZE missing", 550);
        await client.ExpectAsync("MDTM missing", 550);
    }

    [Fact]
    public async Task MFMT_sets_the_modification_time()
    {
        await _server.WriteFileAsync("/home/alice/t.txt", "t"u8.ToArray());
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("MFMT 20200102030405 t.txt", 213)).Text.Should().Be("Modify=20200102030405; t.txt");
        (await client.ExpectAsync("MDTM t.txt", 213)).Text.Should().Be("20200102030405");
        await client.ExpectAsync("MFMT 2020 t.txt", 501);
        await client.ExpectAsync("MFMT 20201302030405 t.txt", 501);
        await client.ExpectAsync("MFMT 20200102030405 missing", 550);
    }

    [Fact]
    public async Task MFMT_reply_names_the_path_as_the_client_gave_it()
    {
        await _server.FileSystem.CreateDirectoryAsync("/home/alice/sub", default);
        await _server.WriteFileAsync("/home/alice/sub/t.txt", "t"u8.ToArray());
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("MFMT 20200102030405 /sub/t.txt", 213)).Text.Should().Be("Modify=20200102030405; /sub/t.txt");
        await client.ExpectAsync("CWD /sub", 250);
        (await client.ExpectAsync("MFMT 20210102030405 ../sub/./t.txt", 213)).Text.Should().Be("Modify=20210102030405; ../sub/./t.txt");
        (await client.ExpectAsync("MDTM /sub/t.txt", 213)).Text.Should().Be("20210102030405");
    }

    [Fact]
    public async Task Anonymous_users_cannot_change_anything()
    {
        await _server.WriteFileAsync("/pub/readme.txt", "hello"u8.ToArray());
        await using var client = await _server.LoginAsync("anonymous", "me@example.com");
        await client.ExpectAsync("MKD x", 550);
        await client.ExpectAsync("DELE readme.txt", 550);
        await client.ExpectAsync("RNFR readme.txt", 550);
        await client.ExpectAsync("RMD /", 550);
        await client.ExpectAsync("STOR up.txt", 550);
        await client.ExpectAsync("APPE readme.txt", 550);
        await client.ExpectAsync("MFMT 20200102030405 readme.txt", 550);
        (await client.ExpectAsync("SIZE readme.txt", 213)).Text.Should().Be("5");
    }

    [Fact]
    public async Task A_read_only_user_can_read_but_not_write()
    {
        await _server.WriteFileAsync("/home/bob/b.txt", "bob"u8.ToArray());
        await using var client = await _server.LoginAsync("bob", "hunter2");
        await client.ExpectAsync("SIZE b.txt", 213);
        await client.ExpectAsync("MKD x", 550);
        await client.ExpectAsync("DELE b.txt", 550);
        await client.ExpectAsync("RNFR b.txt", 550);
    }

    [Fact]
    public async Task UTF8_names_round_trip()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("MKD Grüße 🎉", 257)).Text.Should().Be("\"/Grüße 🎉\" created.");
        await client.ExpectAsync("CWD Grüße 🎉", 250);
        (await _server.FileSystem.GetInfoAsync("/home/alice/Grüße 🎉", default)).Should().NotBeNull();
        Encoding.UTF8.GetByteCount("Grüße 🎉").Should().BeGreaterThan(8);
    }
}
