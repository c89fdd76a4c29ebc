using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Transport;
using Ftp.Embedded.Internal.Transport.Epoll;

namespace Ftp.Embedded.Tests.Transport;

/// <summary>The epoll transport's stream over a real loopback connection (Linux only; elsewhere the runtime's sockets serve).</summary>
public sealed class EpollSocketStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private Socket _server = null!;
    private Socket _client = null!;
    private EpollSocketStream _stream = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await _client.ConnectAsync(listener.LocalEndPoint!);
        _server = await accept;
        if (EpollEngine.IsSupported)
        {
            _stream = EpollSocketStream.TryCreate(_server)!;
        }
    }

    public async Task DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _server.Dispose();
        _client.Dispose();
    }

    [Fact]
    public async Task A_read_that_waits_gets_the_bytes_sent_later()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var buffer = new byte[16];
        var read = _stream.ReadAsync(buffer).AsTask();
        read.IsCompleted.Should().BeFalse("nothing was sent yet");
        await _client.SendAsync("NOOP\r\n"u8.ToArray());
        (await read.WaitAsync(Bound)).Should().Be(6);
        buffer.AsSpan(0, 6).ToArray().Should().Equal("NOOP\r\n"u8.ToArray());
    }

    [Fact]
    public async Task An_inline_read_resumes_on_the_event_thread_and_leaving_it_moves_to_the_pool()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _stream.InlineReads = true;
        var observed = ObserveAsync();
        await Task.Yield();
        await _client.SendAsync("X"u8.ToArray());
        var (onEventThread, afterLeave) = await observed.WaitAsync(Bound);
        onEventThread.Should().BeTrue("an inline read completes on the event thread");
        afterLeave.Should().BeFalse("LeaveAsync continues on a pool thread");

        async Task<(bool, bool)> ObserveAsync()
        {
            var n = await _stream.ReadAsync(new byte[4]).ConfigureAwait(false);
            n.Should().Be(1);
            var before = IoThread.IsCurrent;
            await IoThread.LeaveAsync();
            return (before, IoThread.IsCurrent);
        }
    }

    [Fact]
    public async Task A_read_that_is_not_inline_never_resumes_on_the_event_thread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var observed = ObserveAsync();
        await _client.SendAsync("X"u8.ToArray());
        (await observed.WaitAsync(Bound)).Should().BeFalse();

        async Task<bool> ObserveAsync()
        {
            await _stream.ReadAsync(new byte[4]).ConfigureAwait(false);
            return IoThread.IsCurrent;
        }
    }

    [Fact]
    public async Task A_zero_byte_read_waits_for_data_without_taking_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var wait = _stream.ReadAsync(Memory<byte>.Empty).AsTask();
        wait.IsCompleted.Should().BeFalse();
        await _client.SendAsync("AB"u8.ToArray());
        (await wait.WaitAsync(Bound)).Should().Be(0);
        var buffer = new byte[4];
        (await _stream.ReadAsync(buffer).AsTask().WaitAsync(Bound)).Should().Be(2);
        buffer.AsSpan(0, 2).ToArray().Should().Equal("AB"u8.ToArray());
    }

    [Fact]
    public async Task Urgent_data_is_read_whole_though_a_receive_stops_at_the_urgent_mark()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // As a control connection is set up, and as ftplib sends ABOR: the whole line as urgent data.
        _server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.OutOfBandInline, true);
        await _client.SendAsync("NOOP\r\n"u8.ToArray());
        await _client.SendAsync("ABOR\r\n"u8.ToArray(), SocketFlags.OutOfBand);
        await Task.Delay(50); // Both segments arrive before the first receive.

        var received = new List<byte>();
        var buffer = new byte[64];
        while (received.Count < 12)
        {
            var n = await _stream.ReadAsync(buffer).AsTask().WaitAsync(Bound);
            n.Should().BePositive();
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        received.Should().Equal("NOOP\r\nABOR\r\n"u8.ToArray());
    }

    [Fact]
    public async Task The_end_of_the_stream_reads_as_zero()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var read = _stream.ReadAsync(new byte[4]).AsTask();
        _client.Shutdown(SocketShutdown.Send);
        (await read.WaitAsync(Bound)).Should().Be(0);
    }

    [Fact]
    public async Task A_cancelled_read_ends_with_OperationCanceledException_and_the_next_read_works()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        var read = _stream.ReadAsync(new byte[4], cts.Token).AsTask();
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => read.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();

        var next = _stream.ReadAsync(new byte[4]).AsTask();
        await _client.SendAsync("Z"u8.ToArray());
        (await next.WaitAsync(Bound)).Should().Be(1);
    }

    [Fact]
    public async Task Disposing_ends_a_waiting_read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var read = _stream.ReadAsync(new byte[4]).AsTask();
        await _stream.DisposeAsync();
        await FluentActions.Awaiting(() => read.WaitAsync(Bound)).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task A_write_larger_than_the_socket_buffers_waits_for_the_reader_and_arrives_whole()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var data = new byte[16 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var write = _stream.WriteAsync(data).AsTask();
        write.IsCompleted.Should().BeFalse("16 MiB do not fit into the socket buffers before the client reads");
        var received = new MemoryStream();
        var buffer = new byte[65536];
        while (received.Length < data.Length)
        {
            var n = await _client.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Bound);
            n.Should().BePositive();
            received.Write(buffer, 0, n);
        }

        await write.WaitAsync(Bound);
        received.ToArray().AsSpan().SequenceEqual(data).Should().BeTrue("the bytes arrive whole and in order");
    }

    [Fact]
    public async Task A_write_to_a_reset_connection_fails_with_IOException()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _client.LingerState = new LingerOption(true, 0);
        _client.Close(); // RST
        var act = async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await _stream.WriteAsync(new byte[65536]).AsTask().WaitAsync(Bound);
            }
        };
        await act.Should().ThrowAsync<IOException>();
    }
}
