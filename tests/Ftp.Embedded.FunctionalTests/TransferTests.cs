using System.Net;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

public sealed class TransferTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<int> Sizes => new() { 0, 1, 1000, 256 * 1024 + 17, 5 * 1024 * 1024 + 3, 64 * 1024 * 1024 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Binary_uploads_and_downloads_are_byte_exact(int size)
    {
        var content = RandomBytes(size, seed: size);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.StoreAsync("STOR data.bin", content);
        SameBytes(await _server.ReadFileAsync("/home/alice/data.bin"), content);
        SameBytes(await client.RetrieveAsync("RETR data.bin"), content);
        SameBytes(await client.RetrieveAsync("RETR data.bin", extended: false), content);
        (await client.ExpectAsync("SIZE data.bin", 213)).Text.Should().Be(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_150_reply_names_the_file_and_its_size()
    {
        await _server.WriteFileAsync("/home/alice/a.txt", new byte[42]);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        (await client.ExpectAsync("RETR a.txt", 150)).Text.Should().Be("Opening BINARY mode data connection for a.txt (42 bytes).");
        (await FtpTestClient.ReadAllAsync(data)).Should().HaveCount(42);
        (await client.ExpectAsync(226)).Text.Should().Be("Transfer complete.");
    }

    [Fact]
    public async Task A_transfer_without_PASV_or_PORT_gets_425()
    {
        await _server.WriteFileAsync("/home/alice/a.txt", new byte[1]);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("RETR a.txt", 425);
        await client.ExpectAsync("LIST", 425);
        await client.ExpectAsync("STOR b.txt", 425);
        (await _server.ReadFileAsync("/home/alice/b.txt")).Should().BeNull();
    }

    [Fact]
    public async Task RETR_of_a_missing_file_or_a_directory_is_550()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("MKD d", 257);
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("RETR missing", 550);
        await client.ExpectAsync("RETR d", 550);
    }

    [Fact]
    public async Task REST_resumes_downloads_and_uploads()
    {
        var content = RandomBytes(100_000, 7);
        await _server.WriteFileAsync("/home/alice/r.bin", content);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        (await client.ExpectAsync("REST 60000", 350)).Text.Should().StartWith("Restarting at 60000");
        (await client.RetrieveAsync("RETR r.bin")).Should().Equal(content[60000..]);

        // REST is one-shot: the next RETR starts at 0.
        (await client.RetrieveAsync("RETR r.bin")).Should().Equal(content);

        await _server.WriteFileAsync("/home/alice/u.bin", content[..30000]);
        await client.ExpectAsync("REST 30000", 350);
        await client.StoreAsync("STOR u.bin", content[30000..]);
        (await _server.ReadFileAsync("/home/alice/u.bin")).Should().Equal(content);

        await client.ExpectAsync("REST -1", 501);
        await client.ExpectAsync("REST abc", 501);
        await client.ExpectAsync("REST 100001", 350);
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("RETR r.bin", 554);
    }

    [Fact]
    public async Task APPE_appends_and_creates()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.StoreAsync("APPE log.txt", "one\n"u8.ToArray());
        await client.StoreAsync("APPE log.txt", "two\n"u8.ToArray());
        (await _server.ReadFileAsync("/home/alice/log.txt")).Should().Equal("one\ntwo\n"u8.ToArray());
    }

    [Fact]
    public async Task STOU_stores_under_a_unique_name_given_in_the_150_reply()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        var reply = await client.ExpectAsync("STOU", 150);
        reply.Text.Should().StartWith("FILE: ");
        var name = reply.Text["FILE: ".Length..];
        await FtpTestClient.SendAllAsync(data, "unique"u8.ToArray());
        data.Close();
        await client.ExpectAsync(226);
        (await _server.ReadFileAsync("/home/alice/" + name)).Should().Equal("unique"u8.ToArray());
    }

    // Found by fuzzing (fuzz/findings/stou-read-only-user-*): STOU stored files for users without Write permission.
    [Fact]
    public async Task STOU_is_refused_to_users_without_Write_permission()
    {
        await using var server = await TestServer.StartAsync(anonymous: a => a.UploadDirectory = "/incoming");
        await server.FileSystem.CreateDirectoryAsync("/pub/incoming", default);
        foreach (var (user, password, home) in new[] { ("bob", "hunter2", "/home/bob"), ("anonymous", "guest@", "/pub") })
        {
            await using var client = await server.LoginAsync(user, password);
            using var data = await client.OpenPassiveAsync();
            await client.ExpectAsync("STOU", 550);
            await client.ExpectAsync("NOOP", 200);
            await foreach (var entry in server.FileSystem.ListAsync(home, default))
            {
                entry.Name.Should().NotStartWith("stou-", $"{user} may not store files");
            }
        }
    }

    [Fact]
    public async Task STOU_works_in_the_anonymous_upload_folder()
    {
        await using var server = await TestServer.StartAsync(anonymous: a => a.UploadDirectory = "/incoming");
        await server.FileSystem.CreateDirectoryAsync("/pub/incoming", default);
        await using var client = await server.LoginAsync("anonymous", "guest@");
        await client.ExpectAsync("CWD /incoming", 250);
        using var data = await client.OpenPassiveAsync();
        var reply = await client.ExpectAsync("STOU", 150);
        var name = reply.Text["FILE: ".Length..];
        await FtpTestClient.SendAllAsync(data, "dropped"u8.ToArray());
        data.Close();
        await client.ExpectAsync(226);
        (await server.ReadFileAsync("/pub/incoming/" + name)).Should().Equal("dropped"u8.ToArray());
    }

    [Fact]
    public async Task ASCII_mode_sends_CRLF_and_stores_LF()
    {
        await _server.WriteFileAsync("/home/alice/unix.txt", "a\nb\r\nc\n"u8.ToArray());
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE A", 200);
        (await client.RetrieveAsync("RETR unix.txt")).Should().Equal("a\r\nb\r\nc\r\n"u8.ToArray());
        await client.StoreAsync("STOR dos.txt", "x\r\ny\r\nlone\rcr\r\n"u8.ToArray());
        (await _server.ReadFileAsync("/home/alice/dos.txt")).Should().Equal("x\ny\nlone\rcr\n"u8.ToArray());
        await client.ExpectAsync("TYPE I", 200);
        (await client.RetrieveAsync("RETR dos.txt")).Should().Equal("x\ny\nlone\rcr\n"u8.ToArray());
    }

    [Fact]
    public async Task LIST_NLST_and_MLSD_describe_a_directory()
    {
        await _server.WriteFileAsync("/home/alice/file one.txt", new byte[1234]);
        await _server.FileSystem.CreateDirectoryAsync("/home/alice/sub", default);
        await using var client = await _server.LoginAsync();

        var list = (await client.ListAsync("LIST")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        list.Should().HaveCount(2);
        list.Should().ContainMatch("-rw-r--r-- * 1234 * file one.txt");
        list.Should().ContainMatch("drwxr-xr-x * sub");
        list.Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^[-dl][rwx-]{9} +1 ftp +ftp +\d+ [A-Z][a-z]{2} \d{2} ( \d{4}|\d{2}:\d{2}) .+$"));

        (await client.ListAsync("LIST -la")).Should().Contain("file one.txt");
        (await client.ListAsync("LIST -a /")).Should().Contain("sub");

        var names = (await client.ListAsync("NLST")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        names.Should().BeEquivalentTo("file one.txt", "sub");

        var mlsd = (await client.ListAsync("MLSD")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        mlsd.Should().ContainMatch("type=file;size=1234;modify=*;perm=adfrw;unique=*; file one.txt");
        mlsd.Should().ContainMatch("type=dir;modify=*;perm=cdeflmp;unique=*; sub");
    }

    [Fact]
    public async Task An_empty_directory_lists_nothing_and_a_missing_one_is_550()
    {
        await using var client = await _server.LoginAsync();
        (await client.RetrieveAsync("LIST")).Should().BeEmpty();
        (await client.RetrieveAsync("MLSD")).Should().BeEmpty();
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("LIST nowhere", 550);
        await client.ExpectAsync("MLSD nowhere", 550);
    }

    [Fact]
    public async Task MLST_describes_one_entry_over_the_control_connection()
    {
        await _server.WriteFileAsync("/home/alice/m.txt", new byte[5]);
        await using var client = await _server.LoginAsync();
        var reply = await client.ExpectAsync("MLST m.txt", 250);
        reply.Lines.Should().HaveCount(3);
        reply.Lines[1].Should().MatchRegex(@"^ type=file;size=5;modify=\d{14};perm=adfrw;unique=[0-9a-f]{16}; /m.txt$");
        reply.Lines[2].Should().Be("250 End");
        await client.ExpectAsync("OPTS MLST size;UNIX.mode;nonsense;", 200);
        (await client.ExpectAsync("MLST m.txt", 250)).Lines[1].Should().Be(" size=5;unix.mode=0644; /m.txt");
        await client.ExpectAsync("MLST missing", 550);
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("MLSD m.txt", 501);
    }

    [Fact]
    public async Task STAT_with_a_path_lists_over_the_control_connection()
    {
        await _server.WriteFileAsync("/home/alice/s.txt", new byte[3]);
        await using var client = await _server.LoginAsync();
        var reply = await client.ExpectAsync("STAT /", 213);
        reply.Lines[0].Should().Be("213-Status of /:");
        reply.Lines[1].Should().MatchRegex(@"^ -rw-r--r-- .* s\.txt$");
        reply.Lines[^1].Should().Be("213 End of status.");
        await client.ExpectAsync("STAT nothing", 550);
    }

    [Fact]
    public async Task A_listing_of_a_large_directory_streams()
    {
        for (var i = 0; i < 5000; i++)
        {
            await _server.WriteFileAsync($"/home/alice/f{i:D5}.txt", []);
        }

        await using var client = await _server.LoginAsync();
        var names = (await client.ListAsync("NLST")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        names.Should().HaveCount(5000);
        var mlsd = (await client.ListAsync("MLSD")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        mlsd.Should().HaveCount(5000);
    }

    [Fact]
    public async Task EPSV_ALL_refuses_PASV_PORT_and_EPRT_afterwards()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("EPSV ALL", 200);
        await client.ExpectAsync("PASV", 503);
        await client.ExpectAsync("PORT 127,0,0,1,200,10", 503);
        await client.ExpectAsync("EPRT |1|127.0.0.1|51210|", 503);
        await client.ExpectAsync("EPSV", 229);
    }

    [Theory]
    [InlineData("EPSV 2", 522)]
    [InlineData("EPSV 3", 501)]
    [InlineData("EPSV x", 501)]
    [InlineData("EPSV 1", 229)]
    [InlineData("PORT 127,0,0,1,4,1", 200)]
    [InlineData("PORT 127,0,0,1,0,21", 504)]
    [InlineData("PORT 10,1,2,3,200,10", 504)]
    [InlineData("PORT 127,0,0,1,300,10", 501)]
    [InlineData("PORT 127,0,0,1", 501)]
    [InlineData("PORT garbage", 501)]
    [InlineData("EPRT |1|127.0.0.1|51210|", 200)]
    [InlineData("EPRT |1|127.0.0.1|80|", 504)]
    [InlineData("EPRT |1|192.0.2.1|51210|", 504)]
    [InlineData("EPRT |2|::1|51210|", 504)]
    [InlineData("EPRT |3|x|51210|", 522)]
    [InlineData("EPRT |1|::1|51210|", 501)]
    [InlineData("EPRT |1|127.0.0.1|70000|", 501)]
    [InlineData("EPRT 1|127.0.0.1|51210", 501)]
    public async Task Data_setup_commands_validate_and_refuse_bounce_targets(string command, int code)
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync(command, code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Active_mode_connects_back_to_the_client(bool extended)
    {
        var content = RandomBytes(300_000, 3);
        await _server.WriteFileAsync("/home/alice/act.bin", content);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        await client.ExpectAsync(extended ? $"EPRT |1|127.0.0.1|{port}|" : $"PORT 127,0,0,1,{port >> 8},{port & 255}", 200);
        await client.SendAsync("RETR act.bin");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        using var data = await listener.AcceptAsync(cts.Token);
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(data)).Should().Equal(content);
        await client.ExpectAsync(226);

        await client.ExpectAsync($"PORT 127,0,0,1,{port >> 8},{port & 255}", 200);
        await client.SendAsync("STOR up.bin");
        using var upload = await listener.AcceptAsync(cts.Token);
        await client.ExpectAsync(150);
        await FtpTestClient.SendAllAsync(upload, content);
        upload.Close();
        await client.ExpectAsync(226);
        (await _server.ReadFileAsync("/home/alice/up.bin")).Should().Equal(content);
    }

    [Fact]
    public async Task A_new_PASV_replaces_the_previous_listener()
    {
        await using var client = await _server.LoginAsync();
        var first = await client.ExpectAsync("EPSV", 229);
        var firstPort = int.Parse(first.Text.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);
        await client.ExpectAsync("EPSV", 229);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connect = async () => await probe.ConnectAsync(IPAddress.Loopback, firstPort);
        await connect.Should().ThrowAsync<SocketException>();
    }

    [Fact]
    public async Task ABOR_during_a_download_gives_426_then_226()
    {
        await _server.WriteFileAsync("/home/alice/big.bin", new byte[64 * 1024 * 1024]);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);
        var buffer = new byte[1024];
        await data.ReceiveAsync(buffer, SocketFlags.None);
        await client.ExpectAsync("ABOR", 426);
        (await client.ExpectAsync(226)).Text.Should().Be("ABOR command successful.");
        await client.ExpectAsync("NOOP", 200);
        await client.ExpectAsync("ABOR", 225);
    }

    [Fact]
    public async Task NOOP_and_STAT_are_answered_during_a_transfer()
    {
        await _server.WriteFileAsync("/home/alice/big.bin", new byte[32 * 1024 * 1024]);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);
        await client.ExpectAsync("NOOP", 200);
        (await client.ExpectAsync("STAT", 213)).Text.Should().Contain("bytes transferred");
        (await FtpTestClient.ReadAllAsync(data)).Should().HaveCount(32 * 1024 * 1024);
        await client.ExpectAsync(226);
    }

    [Fact]
    public async Task A_broken_atomic_upload_keeps_the_previous_file_and_reports_426()
    {
        var original = "the good file"u8.ToArray();
        await _server.WriteFileAsync("/home/alice/keep.txt", original);
        FtpTransferEventArgs? ended = null;
        _server.Server.Events.TransferEnded += (_, e) => ended = e;
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR keep.txt", 150);
        await FtpTestClient.SendAllAsync(data, new byte[100_000]);
        data.LingerState = new LingerOption(true, 0); // close with RST: the upload broke
        data.Close();
        await client.ExpectAsync(426);
        (await _server.ReadFileAsync("/home/alice/keep.txt")).Should().Equal(original);
        var listing = await client.ListAsync("NLST");
        listing.Trim().Should().Be("keep.txt", "the temporary file is removed");
        ended.Should().NotBeNull();
        ended!.Completed.Should().BeFalse();
        ended.Direction.Should().Be(FtpTransferDirection.Upload);
    }

    [Fact]
    public async Task ABOR_during_an_upload_keeps_the_previous_file()
    {
        var original = "previous"u8.ToArray();
        await _server.WriteFileAsync("/home/alice/k.txt", original);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR k.txt", 150);
        await FtpTestClient.SendAllAsync(data, new byte[10_000]);
        await client.ExpectAsync("ABOR", 426);
        await client.ExpectAsync(226);
        (await _server.ReadFileAsync("/home/alice/k.txt")).Should().Equal(original);
    }

    [Fact]
    public async Task Completed_transfers_raise_events_with_path_and_bytes()
    {
        var events = new List<FtpTransferEventArgs>();
        _server.Server.Events.TransferEnded += (_, e) => { lock (events) { events.Add(e); } };
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.StoreAsync("STOR e.bin", new byte[777]);
        await client.RetrieveAsync("RETR e.bin");
        await LifetimeTests.WaitForAsync(() => { lock (events) { return events.Count == 2; } });
        events[0].Should().BeEquivalentTo(new { Path = "/e.bin", Bytes = 777L, Direction = FtpTransferDirection.Upload, Completed = true }, o => o.ExcludingMissingMembers());
        events[1].Should().BeEquivalentTo(new { Path = "/e.bin", Bytes = 777L, Direction = FtpTransferDirection.Download, Completed = true }, o => o.ExcludingMissingMembers());
        events[1].User.Name.Should().Be("alice");
    }

    [Fact]
    public async Task QUIT_during_a_transfer_waits_for_it()
    {
        await _server.WriteFileAsync("/home/alice/q.bin", new byte[8 * 1024 * 1024]);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR q.bin", 150);
        await client.SendAsync("QUIT");
        (await FtpTestClient.ReadAllAsync(data)).Should().HaveCount(8 * 1024 * 1024);
        await client.ExpectAsync(226);
        await client.ExpectAsync(221);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Uploading_to_a_directory_or_a_missing_parent_fails_cleanly()
    {
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("MKD d", 257);
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("STOR d", 550);
        await client.ExpectAsync("STOR nowhere/x.txt", 550);
        await client.ExpectAsync("NOOP", 200);
    }

    /// <summary>Byte-exact comparison that stays fast for 64 MiB.</summary>
    internal static void SameBytes(byte[]? actual, byte[] expected)
    {
        actual.Should().NotBeNull();
        actual!.Length.Should().Be(expected.Length);
        var mismatch = actual.AsSpan().CommonPrefixLength(expected);
        mismatch.Should().Be(expected.Length, "the bytes should be equal, but differ at offset {0}", mismatch);
    }

    internal static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
