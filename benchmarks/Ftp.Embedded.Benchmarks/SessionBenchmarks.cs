using System.Net;
using BenchmarkDotNet.Attributes;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Transport;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Benchmarks;

/// <summary>
/// Whole commands through a live session over the in-memory transport (no socket, so the figures are the engine's):
/// parse, dispatch, handler, reply, flush. The client side reuses its buffers, so the allocations reported are the
/// server's cost per command.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // Disposed in GlobalCleanup, as BenchmarkDotNet expects.
public class SessionBenchmarks
#pragma warning restore CA1001
{
    private static readonly byte[] Noop = "NOOP\r\n"u8.ToArray();
    private static readonly byte[] Pwd = "PWD\r\n"u8.ToArray();
    private static readonly byte[] TypeI = "TYPE I\r\n"u8.ToArray();
    private static readonly byte[] Size = "SIZE /pub/file.bin\r\n"u8.ToArray();
    private static readonly byte[] Cwd = "CWD /pub\r\n"u8.ToArray();
    private readonly byte[] _buffer = new byte[4096];
    private FtpServer _server = null!;
    private Stream _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 21)); // validated, never bound: connections come from the listener
        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/pub", CancellationToken.None);
        await using (var file = await fileSystem.OpenWriteAsync("/pub/file.bin", FtpWriteMode.Create, 0, CancellationToken.None))
        {
            await file.WriteAsync(new byte[1234]);
        }

        var listener = new InMemoryConnectionListener();
        _server = new FtpServer(
            new ServerServices(options, new InMemoryFileSystemProvider(fileSystem),
                [new AnonymousAuthenticator(Options.Create(new FtpAnonymousOptions { HomeDirectory = "/" }))], new DefaultDataChannelPolicy(options)),
            [listener]);
        await _server.StartAsync(CancellationToken.None);
        _client = listener.Connect();
        await ReadReplyAsync();
        await CommandAsync("USER anonymous\r\n"u8.ToArray());
        await CommandAsync("PASS bench@\r\n"u8.ToArray());
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark]
    public ValueTask<int> CommandNoop() => CommandAsync(Noop);

    [Benchmark]
    public ValueTask<int> CommandPwd() => CommandAsync(Pwd);

    [Benchmark]
    public ValueTask<int> CommandType() => CommandAsync(TypeI);

    [Benchmark]
    public ValueTask<int> CommandSize() => CommandAsync(Size);

    [Benchmark]
    public ValueTask<int> CommandCwd() => CommandAsync(Cwd);

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> CommandAsync(byte[] command)
    {
        await _client.WriteAsync(command.AsMemory());
        return await ReadReplyAsync();
    }

    /// <summary>Reads one single-line reply (all these commands answer with one line).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadReplyAsync()
    {
        var length = 0;
        while (length < 2 || _buffer[length - 1] != (byte)'\n')
        {
            length += await _client.ReadAsync(_buffer.AsMemory(length));
        }

        return length;
    }
}
