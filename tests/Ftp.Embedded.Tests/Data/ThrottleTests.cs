using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.Tests.Data;

public class ThrottleTests
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(15)]
    public void A_ten_second_transfer_at_the_limit_lands_within_five_percent_of_it(int lateMilliseconds)
    {
        // 50 MiB at 5 MiB/s: 10 s. Each wait ends lateMilliseconds after it should (a coarse timer), which the next
        // reservation makes up for.
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(5 * MiB, time);
        var start = time.GetUtcNow();
        long sent = 0;
        while (sent < 50L * MiB)
        {
            var slice = (int)Math.Min(bucket.SliceSize, (50L * MiB) - sent);
            var wait = bucket.Reserve(slice);
            if (wait > TimeSpan.Zero)
            {
                time.Advance(wait + TimeSpan.FromMilliseconds(lateMilliseconds));
            }

            sent += slice;
        }

        (time.GetUtcNow() - start).TotalSeconds.Should().BeApproximately(10, 0.5);
    }

    [Fact]
    public void Transfers_sharing_a_bucket_share_its_rate()
    {
        // Two transfers through one 2 MiB/s bucket, each reserving a slice and waiting what it is told: together they
        // move 20 MiB in 10 s, each at about half the rate.
        var time = new FakeTimeProvider();
        var shared = new TokenBucket(2 * MiB, time);
        var start = time.GetUtcNow();
        long sent = 0;
        while (sent < 20 * MiB)
        {
            var first = shared.Reserve(shared.SliceSize);
            var second = shared.Reserve(shared.SliceSize);
            second.Should().BeGreaterThan(first, "the second taker queues behind the first");
            time.Advance(second);
            sent += 2L * shared.SliceSize;
        }

        (time.GetUtcNow() - start).TotalSeconds.Should().BeApproximately(10, 0.5);
    }

    [Fact]
    public async Task A_wait_is_a_timer_on_the_clock_and_ends_when_the_clock_gets_there()
    {
        var time = new FakeTimeProvider();
        var throttle = TransferThrottle.Create(null, 10_240, time)!;
        throttle.SliceSize.Should().Be(1024);

        // The bucket starts with a tenth of a second's worth: the first slice goes at once, the second waits 0.1 s.
        throttle.WaitAsync(1024, CancellationToken.None).AsTask().IsCompleted.Should().BeTrue();
        var second = throttle.WaitAsync(1024, CancellationToken.None).AsTask();
        second.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(99));
        second.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_wait_ends_when_the_transfer_is_cut()
    {
        var time = new FakeTimeProvider();
        var throttle = TransferThrottle.Create(null, 1024, time)!;
        using var cut = new CancellationTokenSource();
        var wait = throttle.WaitAsync(64 * 1024, cut.Token).AsTask();
        cut.Cancel();
        await FluentActions.Awaiting(() => wait.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void The_lower_limit_wins_and_no_limit_means_no_throttle()
    {
        var time = new FakeTimeProvider();
        TransferThrottle.Create(null, 0, time).Should().BeNull("an unlimited transfer keeps sendfile in large chunks");
        var throttle = TransferThrottle.Create(new TokenBucket(10 * MiB, time), 1 * MiB, time)!;
        throttle.Rate.Should().Be(1 * MiB);
        throttle.SliceSize.Should().Be(MiB / 10);
        TransferThrottle.Create(new TokenBucket(100L * MiB * 1024, time), 0, time)!.SliceSize.Should().Be(4 * MiB);
    }

    [Fact]
    public async Task A_throttled_sendfile_download_moves_in_slices_as_the_clock_allows()
    {
        // A file on disk over plain TCP takes the sendfile path; at 100 KiB/s, 300 KiB needs 3 s of the fake clock
        // (less the 10 KiB burst), and nothing past the burst leaves before the clock moves.
        var path = Path.Combine(Path.GetTempPath(), "ftp-throttle-" + Guid.NewGuid().ToString("N"));
        var content = Enumerable.Range(0, 300 * 1024).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(path, content);
        try
        {
            var time = new FakeTimeProvider();
            var start = time.GetUtcNow();
            var progress = new ThrottledProgress(TransferThrottle.Create(null, 100 * 1024, time)!);
            var (server, client) = await ConnectedPairAsync();
            using var peer = client;
            await using var data = new DataConnection(server);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            var copy = DataCopy.DownloadAsync(file, 0, binary: true, data, progress, CancellationToken.None).AsTask();
            var receiving = ReceiveAllAsync(client);

            await PollAsync(() => progress.Bytes >= 10 * 1024);
            progress.Bytes.Should().Be(10 * 1024, "only the burst goes before the clock moves");
            for (var i = 0; i < 400 && !copy.IsCompleted; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Delay(1);
            }

            await copy.WaitAsync(TimeSpan.FromSeconds(10));
            await data.CloseAsync();
            (await receiving).Should().Equal(content);
            (time.GetUtcNow() - start).TotalSeconds.Should().BeGreaterThanOrEqualTo(2.9);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(50);
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
        return (await listener.AcceptAsync(timeout.Token), client);
    }

    private static async Task<byte[]> ReceiveAllAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    private sealed class ThrottledProgress(TransferThrottle throttle) : ITransferProgress
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public TransferThrottle? Throttle => throttle;

        public void Progress(int bytes) => Interlocked.Add(ref _bytes, bytes);

        public void Reserve(int count)
        {
        }
    }
}
