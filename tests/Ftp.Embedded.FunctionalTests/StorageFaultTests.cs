using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Storage that fails below the server: a full disk (a real tmpfs), a provider whose streams throw, and one whose streams
/// hang. Each gets the right reply, keeps the previous file, and leaves a session that goes on.
/// </summary>
public sealed class StorageFaultTests
{
    private const int MiB = 1024 * 1024;
    private const int FaultAfter = 64 * 1024;
    private const int AbandonedEventId = 62;
    private const int AbandonedReturnedEventId = 63;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [TmpfsFact]
    public async Task A_full_disk_during_STOR_gets_452_keeps_the_previous_file_and_gives_the_space_back()
    {
        await using var disk = await Tmpfs.MountAsync(8 * MiB);
        var home = Directory.CreateDirectory(Path.Combine(disk.Path, "home", "alice")).FullName;
        await using var server = await TestServer.StartAsync(fileSystemProvider: new PhysicalFileSystemProvider(disk.Path));
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        var good = RandomBytes(MiB, seed: 1);
        await client.StoreAsync("STOR good.bin", good);
        var free = disk.FreeBytes;

        var reply = await StoreCutAsync(client, "STOR good.bin", RandomBytes(16 * MiB, seed: 2));

        reply.Code.Should().Be(452, reply.All);
        SameBytes(await File.ReadAllBytesAsync(Path.Combine(home, "good.bin")), good, "a failed STOR keeps the previous file");
        disk.FreeBytes.Should().Be(free, "the partial upload's space is given back");
        Directory.GetFileSystemEntries(home).Select(Path.GetFileName).Should().Equal(["good.bin"], "no temporary file remains");
        var small = RandomBytes(1000, seed: 3);
        await client.StoreAsync("STOR small.bin", small);
        SameBytes(await File.ReadAllBytesAsync(Path.Combine(home, "small.bin")), small, "the session goes on");
    }

    [TmpfsFact]
    public async Task APPE_past_the_free_space_gets_452_and_the_session_goes_on()
    {
        await using var disk = await Tmpfs.MountAsync(8 * MiB);
        var home = Directory.CreateDirectory(Path.Combine(disk.Path, "home", "alice")).FullName;
        var empty = disk.FreeBytes;
        await using var server = await TestServer.StartAsync(fileSystemProvider: new PhysicalFileSystemProvider(disk.Path));
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        var good = RandomBytes(MiB, seed: 1);
        await client.StoreAsync("STOR good.bin", good);

        var reply = await StoreCutAsync(client, "APPE good.bin", RandomBytes(16 * MiB, seed: 2));

        reply.Code.Should().Be(452, reply.All);
        var now = await File.ReadAllBytesAsync(Path.Combine(home, "good.bin"));
        SameBytes(now[..good.Length], good, "APPE never changes the bytes that were there");
        await client.ExpectAsync("NOOP", 200);
        await client.ExpectAsync("DELE good.bin", 250);
        disk.FreeBytes.Should().Be(empty, "the appending file was closed: deleting it gives all the space back");
        var small = RandomBytes(1000, seed: 3);
        await client.StoreAsync("STOR small.bin", small);
        SameBytes(await File.ReadAllBytesAsync(Path.Combine(home, "small.bin")), small, "the session goes on");
    }

    [Theory]
    [InlineData(FaultKind.IOException, false)]
    [InlineData(FaultKind.Unexpected, false)]
    [InlineData(FaultKind.IOException, true)]
    [InlineData(FaultKind.Unexpected, true)]
    public async Task A_write_stream_that_throws_mid_STOR_gets_451_and_changes_nothing(FaultKind kind, bool nativeAtomic)
    {
        await using var server = await StartFaultyAsync(out var faults, nativeAtomic: nativeAtomic);
        var previous = RandomBytes(100_000, seed: 1);
        await server.WriteFileAsync("/home/alice/doc.bin", previous);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.WriteFault = new Fault(kind, FaultAfter);

        var replaced = await StoreCutAsync(client, "STOR doc.bin", RandomBytes(MiB, seed: 2));
        var created = await StoreCutAsync(client, "STOR new.bin", RandomBytes(MiB, seed: 3));

        replaced.Code.Should().Be(451, replaced.All);
        created.Code.Should().Be(451, created.All);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "a failed STOR keeps the previous file");
        (await server.ReadFileAsync("/home/alice/new.bin")).Should().BeNull("a failed STOR of a new name leaves nothing");
        (await NamesAsync(server, "/home/alice")).Should().Equal(["doc.bin"], "no temporary file remains");
        await fault.StreamDisposed.WaitAsync(Bound);
        faults.WriteFault = null;
        var small = RandomBytes(1000, seed: 4);
        await client.StoreAsync("STOR doc.bin", small);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), small, "the session goes on");
    }

    [Fact]
    public async Task A_write_stream_that_throws_while_the_client_waits_gets_451_at_once()
    {
        await using var server = await StartFaultyAsync(out var faults);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.WriteFault = new Fault(FaultKind.IOException, FaultAfter);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR new.bin", 150);

        // One byte past the fault, and the data connection stays open: nothing more comes from the client.
        await FtpTestClient.SendAllAsync(data, RandomBytes(FaultAfter + 1, seed: 1));

        (await client.ExpectAsync(451)).Text.Should().Be("Requested action aborted: local error in processing.");
        (await ReceiveUntilCutAsync(data)).Should().BeEmpty("the server closed the data connection");
        (await server.ReadFileAsync("/home/alice/new.bin")).Should().BeNull();
        await client.ExpectAsync("NOOP", 200);
    }

    [Theory]
    [InlineData(FaultKind.IOException)]
    [InlineData(FaultKind.Unexpected)]
    public async Task A_read_stream_that_throws_mid_RETR_gets_451_and_the_session_goes_on(FaultKind kind)
    {
        await using var server = await StartFaultyAsync(out var faults);
        var content = RandomBytes(MiB, seed: 1);
        await server.WriteFileAsync("/home/alice/big.bin", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.ReadFault = new Fault(kind, FaultAfter);

        using (var data = await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("RETR big.bin", 150);
            (await ReceiveUntilCutAsync(data)).Length.Should().BeLessThan(content.Length);
        }

        (await client.ExpectAsync(451)).Text.Should().Be("Requested action aborted: local error in processing.");
        await fault.StreamDisposed.WaitAsync(Bound);
        faults.ReadFault = null;
        SameBytes(await client.RetrieveAsync("RETR big.bin"), content, "the session goes on");
    }

    [Theory]
    [InlineData(FaultKind.HangIgnoringCancellation, false)]
    [InlineData(FaultKind.HangHonouringCancellation, false)]
    [InlineData(FaultKind.HangIgnoringCancellation, true)]
    [InlineData(FaultKind.HangHonouringCancellation, true)]
    public async Task ABOR_ends_an_upload_stuck_in_the_filesystem_and_the_previous_file_stays(FaultKind kind, bool nativeAtomic)
    {
        var time = new FakeTimeProvider();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        await using var server = await StartFaultyAsync(out var faults, time, loggerFactory: loggerFactory, nativeAtomic: nativeAtomic);
        var previous = RandomBytes(100_000, seed: 1);
        await server.WriteFileAsync("/home/alice/doc.bin", previous);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.WriteFault = new Fault(kind, FaultAfter);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR doc.bin", 150);
        var sending = SendUntilCutAsync(data, RandomBytes(MiB, seed: 2));
        await fault.Reached.WaitAsync(Bound);

        await client.SendAsync("ABOR");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 30);

        await client.ExpectAsync(426);
        await client.ExpectAsync(226);
        await sending.WaitAsync(Bound);
        await client.ExpectAsync("NOOP", 200);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "an aborted STOR keeps the previous file");
        var ignored = kind == FaultKind.HangIgnoringCancellation;
        logs.CountOf(AbandonedEventId).Should().Be(ignored ? 1 : 0, "only a call that ignores its cancellation is abandoned");
        // A call that ignored its cancellation returns late: then its stream is disposed and its temporary file removed.
        fault.Release();
        await fault.StreamDisposed.WaitAsync(Bound);
        await WaitUntilAsync(async () => (await NamesAsync(server, "/home/alice")).SequenceEqual(["doc.bin"]));
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "the late call does not replace the file");
        await WaitUntilAsync(() => Task.FromResult(logs.CountOf(AbandonedReturnedEventId) == (ignored ? 1 : 0)));
        await client.ExpectAsync("QUIT", 221);
        await client.ExpectClosedAsync();
    }

    [Theory]
    [InlineData(FaultKind.HangIgnoringCancellation)]
    [InlineData(FaultKind.HangHonouringCancellation)]
    public async Task ABOR_ends_a_download_stuck_in_the_filesystem(FaultKind kind)
    {
        var time = new FakeTimeProvider();
        await using var server = await StartFaultyAsync(out var faults, time);
        var content = RandomBytes(MiB, seed: 1);
        await server.WriteFileAsync("/home/alice/big.bin", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.ReadFault = new Fault(kind, FaultAfter);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);
        await fault.Reached.WaitAsync(Bound);

        await client.SendAsync("ABOR");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 30);

        await client.ExpectAsync(426);
        await client.ExpectAsync(226);
        (await ReceiveUntilCutAsync(data)).Length.Should().BeLessThan(content.Length);
        await client.ExpectAsync("NOOP", 200);
        fault.Release();
        await fault.StreamDisposed.WaitAsync(Bound);
        await client.ExpectAsync("QUIT", 221);
        await client.ExpectClosedAsync();
    }

    [Theory]
    [InlineData(FaultKind.HangIgnoringCancellation, true)]
    [InlineData(FaultKind.HangHonouringCancellation, true)]
    [InlineData(FaultKind.HangIgnoringCancellation, false)]
    [InlineData(FaultKind.HangHonouringCancellation, false)]
    public async Task The_stall_timeout_ends_a_transfer_stuck_in_the_filesystem_and_QUIT_is_answered(FaultKind kind, bool upload)
    {
        var time = new FakeTimeProvider();
        await using var server = await StartFaultyAsync(out var faults, time, TimeSpan.FromSeconds(20));
        var previous = RandomBytes(MiB, seed: 1);
        await server.WriteFileAsync("/home/alice/doc.bin", previous);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = new Fault(kind, FaultAfter);
        if (upload)
        {
            faults.WriteFault = fault;
        }
        else
        {
            faults.ReadFault = fault;
        }

        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync(upload ? "STOR doc.bin" : "RETR doc.bin", 150);
        var sending = upload ? SendUntilCutAsync(data, RandomBytes(MiB, seed: 2)) : Task.CompletedTask;
        await fault.Reached.WaitAsync(Bound);

        // QUIT during a transfer is answered when the transfer ends: here, by the stall timeout.
        await client.SendAsync("QUIT");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 40);

        (await client.ExpectAsync(426)).Text.Should().Contain("no data moved");
        await client.ExpectAsync(221);
        await client.ExpectClosedAsync();
        await sending.WaitAsync(Bound);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "a stalled STOR keeps the previous file");
    }

    [Fact]
    public async Task A_cleanup_stuck_in_the_filesystem_is_cut_by_the_stall_timeout_with_451()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartFaultyAsync(out var faults, time, TimeSpan.FromSeconds(20));
        var previous = RandomBytes(100_000, seed: 1);
        await server.WriteFileAsync("/home/alice/doc.bin", previous);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.WriteFault = new Fault(FaultKind.HangOnDispose, 0);
        var upload = RandomBytes(200_000, seed: 2);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR doc.bin", 150);
        await SendUntilCutAsync(data, upload);
        data.Close();
        await fault.Reached.WaitAsync(Bound);

        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 40);

        (await client.ExpectAsync(451)).Text.Should().Be("Requested action aborted: local error in processing.");
        await client.ExpectAsync("NOOP", 200);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "the upload was not stored when the reply went out");
        // The stuck cleanup finishes what it was doing when it returns: the complete upload replaces the file, atomically.
        fault.Release();
        await WaitUntilAsync(async () => (await NamesAsync(server, "/home/alice")).SequenceEqual(["doc.bin"]));
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), upload, "never a partial file");
        await client.ExpectAsync("QUIT", 221);
    }

    [Fact]
    public async Task Shutdown_ends_an_upload_stuck_in_the_filesystem_with_426_then_421()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartFaultyAsync(out var faults, time, shutdownTimeout: TimeSpan.Zero);
        var previous = RandomBytes(100_000, seed: 1);
        await server.WriteFileAsync("/home/alice/doc.bin", previous);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var fault = faults.WriteFault = new Fault(FaultKind.HangIgnoringCancellation, FaultAfter);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR doc.bin", 150);
        var sending = SendUntilCutAsync(data, RandomBytes(MiB, seed: 2));
        await fault.Reached.WaitAsync(Bound);

        var stopping = server.Server.StopAsync(CancellationToken.None);
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 30);

        (await client.ExpectAsync(426)).Text.Should().Contain("shutting down");
        await client.ExpectAsync(421);
        await client.ExpectClosedAsync();
        await stopping.WaitAsync(Bound);
        await sending.WaitAsync(Bound);
        SameBytes(await server.ReadFileAsync("/home/alice/doc.bin"), previous, "a STOR cut by shutdown keeps the previous file");
    }

    private static Task<TestServer> StartFaultyAsync(out FaultyFileSystemProvider faults, TimeProvider? time = null,
        TimeSpan? stallTimeout = null, TimeSpan? shutdownTimeout = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,
        bool nativeAtomic = false)
    {
        var provider = faults = new FaultyFileSystemProvider { NativeAtomicUploads = nativeAtomic };
        return StartAsync();

        async Task<TestServer> StartAsync()
        {
            var server = await TestServer.StartAsync(o =>
            {
                o.Limits.DataStallTimeout = stallTimeout ?? o.Limits.DataStallTimeout;
                o.Limits.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(1);
            }, time, fileSystemProvider: provider, loggerFactory: loggerFactory);
            provider.Inner = new InMemoryFileSystemProvider(server.FileSystem);
            return server;
        }
    }

    /// <summary>Runs a transfer command whose upload the server cuts: sends what it can, then returns the final reply.</summary>
    private static async Task<FtpReply> StoreCutAsync(FtpTestClient client, string command, byte[] content)
    {
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync(command, 150);
        await SendUntilCutAsync(data, content);
        return await client.ReadReplyAsync();
    }

    /// <summary>Sends <paramref name="content"/> and closes, or stops when the server closes the data connection.</summary>
    private static async Task SendUntilCutAsync(Socket data, byte[] content)
    {
        try
        {
            await FtpTestClient.SendAllAsync(data, content);
            data.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads until the server closes the data connection, however it closes it.</summary>
    private static async Task<byte[]> ReceiveUntilCutAsync(Socket data)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await data.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                memory.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
        }

        return memory.ToArray();
    }

    private static async Task<List<string>> NamesAsync(TestServer server, string path)
    {
        var names = new List<string>();
        await foreach (var entry in server.FileSystem.ListAsync(path, CancellationToken.None))
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within {0}", Bound);
            await Task.Delay(10);
        }
    }

    private static void SameBytes(byte[]? actual, byte[] expected, string because)
    {
        actual.Should().NotBeNull(because);
        actual!.Length.Should().Be(expected.Length, because);
        actual.AsSpan().SequenceEqual(expected).Should().BeTrue(because);
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
