using System.Net;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Whole sessions over the in-memory transport: no socket, the same replies as over TCP.</summary>
public sealed class InMemoryTransportTests
{
    private static readonly Lazy<string> AliceHash = new(() => FtpPasswordHasher.Hash("secret"));
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_session_logs_in_and_runs_control_commands_without_TCP()
    {
        await using var server = await StartAsync();
        var listener = server.Listener;
        var started = new TaskCompletionSource<FtpSessionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Events.SessionStarted += (_, e) => started.TrySetResult(e.Session);
        await using var client = new Client(listener.Connect(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 5000)));

        (await client.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        var session = await started.Task.WaitAsync(Bound);
        session.RemoteEndPoint.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5000), "the transport's address, IPv4-mapped as IPv4");
        session.LocalEndPoint.Should().Be(listener.EndPoint);
        server.ActiveSessions.Should().Be(1);

        (await client.CommandAsync("USER alice")).Should().Equal("331 User name okay, need password.");
        (await client.CommandAsync("PASS secret")).Should().Equal("230 User logged in, proceed.");
        (await client.CommandAsync("PWD")).Should().Equal("257 \"/\" is the current directory.");
        (await client.CommandAsync("MKD docs")).Should().Equal("257 \"/docs\" created.");
        (await client.CommandAsync("CWD docs")).Should().Equal("250 Directory changed to /docs.");
        (await client.CommandAsync("PWD")).Should().Equal("257 \"/docs\" is the current directory.");
        (await client.CommandAsync("NOPE")).Should().Equal("500 'NOPE': command not understood.");

        var feat = await client.CommandAsync("FEAT");
        feat[0].Should().Be("211-Features:");
        feat[^1].Should().Be("211 End");
        feat.Should().Contain([" EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " UTF8"]).And.NotContain(l => l.Contains("AUTH"));

        var stat = await client.CommandAsync("STAT");
        stat[0].Should().StartWith("211-");
        stat.Should().Contain(" Logged in as alice");
        stat[^1].Should().Be("211 End of status.");

        (await client.CommandAsync("QUIT")).Should().Equal("221 Goodbye.");
        (await client.ReadToEndAsync()).Should().BeEmpty("the server closes the connection after 221");
        (await server.FileSystemHasAsync("/home/alice/docs")).Should().BeTrue();
    }

    [Fact]
    public async Task A_line_one_byte_over_the_limit_gets_500_and_the_connection_closes()
    {
        await using var server = await StartAsync(o => o.Limits.MaxLineLength = 64);
        var listener = server.Listener;
        await using var client = new Client(listener.Connect());
        await client.ReadAsync();

        (await client.CommandAsync("NOOP " + new string('a', 57))).Should().Equal("200 NOOP okay.");
        await client.SendAsync("NOOP " + new string('a', 58));
        (await client.ReadAsync()).Should().Equal("500 Command line too long (the limit is 64 bytes); closing.");
        (await client.ReadToEndAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Commands_pipelined_after_AUTH_close_the_connection_and_AUTH_alone_upgrades_the_stream()
    {
        await using var server = await StartAsync(o => o.Tls.Certificate = TestCertificate.Instance);
        var listener = server.Listener;

        await using (var smuggler = new Client(listener.Connect()))
        {
            await smuggler.ReadAsync();
            await smuggler.SendAsync("AUTH TLS\r\nUSER alice");
            (await smuggler.ReadAsync()).Should().Equal("234 AUTH TLS successful; start the TLS handshake.");
            (await smuggler.ReadToEndAsync()).Should().BeEmpty("bytes after AUTH before the handshake end the connection");
        }

        await using var client = new Client(listener.Connect());
        await client.ReadAsync();
        (await client.CommandAsync("AUTH TLS")).Should().Equal("234 AUTH TLS successful; start the TLS handshake.");
        await client.UpgradeToTlsAsync();
        (await client.CommandAsync("USER alice")).Should().Equal("331 User name okay, need password.");
        (await client.CommandAsync("PASS secret")).Should().Equal("230 User logged in, proceed.");
        (await client.CommandAsync("PBSZ 0")).Should().Equal("200 PBSZ=0");
        (await client.CommandAsync("QUIT")).Should().Equal("221 Goodbye.");
    }

    [Fact]
    public async Task Admission_counts_sessions_by_the_connection_s_client_address()
    {
        await using var server = await StartAsync(o => o.Limits.MaxSessionsPerIp = 1);
        var listener = server.Listener;
        var first = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1000);

        await using var one = new Client(listener.Connect(first));
        (await one.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        await using (var two = new Client(listener.Connect(new IPEndPoint(first.Address, 1001))))
        {
            (await two.ReadAsync()).Should().Equal("421 Too many connections from your address, try again later.");
            (await two.ReadToEndAsync()).Should().BeEmpty();
        }

        await using var other = new Client(listener.Connect(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 1000)));
        (await other.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");

        (await one.CommandAsync("QUIT")).Should().Equal("221 Goodbye.");
        (await one.ReadToEndAsync()).Should().BeEmpty();
        await using var again = new Client(listener.Connect(new IPEndPoint(first.Address, 1002)));
        (await again.ReadAsync()).Should().Equal(["220 Ftp.Embedded ready"], "the slot is given back when the protocol ends");
    }

    [Fact]
    public async Task An_implicit_TLS_listener_handshakes_before_the_greeting()
    {
        var listener = new InMemoryConnectionListener(new IPEndPoint(IPAddress.Loopback, 990), implicitTls: true);
        await using var server = await StartAsync(o => o.Tls.Certificate = TestCertificate.Instance, listener);

        await using var client = new Client(listener.Connect());
        await client.UpgradeToTlsAsync();
        (await client.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        (await client.CommandAsync("USER alice")).Should().Equal("331 User name okay, need password.");
        (await client.CommandAsync("PASS secret")).Should().Equal("230 User logged in, proceed.");
        (await client.CommandAsync("PROT P")).Should().Equal("200 Protection level set to Private.");
    }

    internal static async Task<InMemoryServer> StartAsync(
        Action<FtpServerOptions>? configure = null, InMemoryConnectionListener? listener = null, TimeProvider? time = null)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 21)); // validated, never bound
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        configure?.Invoke(options);
        var users = new FtpLocalUserOptions();
        users.Add("alice", AliceHash.Value, "/home/alice");
        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/home", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home/alice", CancellationToken.None);

        listener ??= new InMemoryConnectionListener();
        var services = new ServerServices(options, new InMemoryFileSystemProvider(fileSystem),
            [new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users))], new DefaultDataChannelPolicy(options))
        {
            TimeProvider = time ?? TimeProvider.System,
        };
        var server = new InMemoryServer(new FtpServer(services, [listener]), listener, fileSystem);
        await server.Server.StartAsync(CancellationToken.None);
        return server;
    }

    internal sealed class InMemoryServer(FtpServer server, InMemoryConnectionListener listener, InMemoryFileSystem fileSystem) : IAsyncDisposable
    {
        public FtpServer Server { get; } = server;

        public InMemoryConnectionListener Listener { get; } = listener;

        public FtpServerEvents Events => Server.Events;

        public int ActiveSessions => Server.ActiveSessions;

        public async Task<bool> FileSystemHasAsync(string path) => await fileSystem.GetInfoAsync(path, CancellationToken.None) is not null;

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>The client's end: sends lines, reads replies (multi-line ones whole), every read bounded.</summary>
    internal sealed class Client(Stream stream) : IAsyncDisposable
    {
        private readonly List<byte> _pending = [];
        private readonly byte[] _buffer = new byte[8192];
        private Stream _stream = stream;

        public async Task SendAsync(string line)
        {
            using var cts = new CancellationTokenSource(Bound);
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cts.Token);
        }

        public async Task SendBytesAsync(byte[] bytes)
        {
            using var cts = new CancellationTokenSource(Bound);
            await _stream.WriteAsync(bytes, cts.Token);
        }

        public async Task<string[]> CommandAsync(string line)
        {
            await SendAsync(line);
            return await ReadAsync();
        }

        /// <summary>One reply: its lines without CRLF.</summary>
        public async Task<string[]> ReadAsync()
        {
            var first = await ReadLineAsync() ?? throw new IOException("The server closed the connection.");
            var lines = new List<string> { first };
            if (first.Length > 3 && first[3] == '-')
            {
                var end = first[..3] + " ";
                while (!lines[^1].StartsWith(end, StringComparison.Ordinal))
                {
                    lines.Add(await ReadLineAsync() ?? throw new IOException("The server closed the connection inside a reply."));
                }
            }

            return [.. lines];
        }

        /// <summary>What the server still sends until it closes the connection.</summary>
        public async Task<string> ReadToEndAsync()
        {
            var rest = new StringBuilder(Encoding.UTF8.GetString(_pending.ToArray()));
            _pending.Clear();
            using var cts = new CancellationTokenSource(Bound);
            int read;
            while ((read = await _stream.ReadAsync(_buffer, cts.Token)) > 0)
            {
                rest.Append(Encoding.UTF8.GetString(_buffer, 0, read));
            }

            return rest.ToString();
        }

        public async Task UpgradeToTlsAsync()
        {
            _stream = await FtpTestClient.ClientTlsAsync(_stream, Bound);
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();

        private async Task<string?> ReadLineAsync()
        {
            using var cts = new CancellationTokenSource(Bound);
            while (true)
            {
                var at = _pending.IndexOf((byte)'\n');
                if (at >= 0)
                {
                    var line = Encoding.UTF8.GetString(_pending.GetRange(0, at).ToArray()).TrimEnd('\r');
                    _pending.RemoveRange(0, at + 1);
                    return line;
                }

                var read = await _stream.ReadAsync(_buffer, cts.Token);
                if (read == 0)
                {
                    return null;
                }

                _pending.AddRange(_buffer.AsSpan(0, read));
            }
        }
    }
}
