using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// A real HAProxy (Debian's <c>haproxy</c>, in the foreground) in front of the server with <c>send-proxy-v2</c>, for the
/// control port (with PROXY-protocol health checks) and for the passive port range: sessions and their data connections
/// get the client's address, not the balancer's. Clients connect from 127.0.0.3, HAProxy listens on 127.0.0.2 and
/// reaches the server (trusting 127.0.0.1 only) from 127.0.0.1; PASV advertises the balancer's address.
/// </summary>
public sealed class HaproxyTests(HaproxyTests.ProxiedServer server) : IClassFixture<HaproxyTests.ProxiedServer>
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress BalancerAddress = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_session_through_HAProxy_has_the_client_s_address()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(ClientAddress, 0));
        using var cts = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(server.ProxyEndPoint, cts.Token);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);

        (await reader.ReadLineAsync(cts.Token)).Should().Be("220 Ftp.Embedded ready");
        await stream.WriteAsync("USER alice\r\nPASS secret\r\nPWD\r\nQUIT\r\n"u8.ToArray(), cts.Token);
        (await reader.ReadLineAsync(cts.Token)).Should().Be("331 User name okay, need password.");
        (await reader.ReadLineAsync(cts.Token)).Should().Be("230 User logged in, proceed.");
        (await reader.ReadLineAsync(cts.Token)).Should().Be("257 \"/\" is the current directory.");
        (await reader.ReadLineAsync(cts.Token)).Should().Be("221 Goodbye.");

        server.Sessions.Should().Contain(local, "the PROXY header carries the client's address and port");
        server.Sessions.Should().NotContain(e => e.Address.Equals(IPAddress.Loopback), "neither proxied sessions nor health checks get HAProxy's address");
    }

    [Theory]
    [InlineData("EPSV")]
    [InlineData("PASV")]
    public async Task Curl_uploads_and_downloads_through_HAProxy_with_passive_data_through_it_too(string mode)
    {
        var local = server.NewLocalDirectory();
        var content = Client.RandomBytes(300_000, 14);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content);
        string[] common = ["--silent", "--show-error", "--max-time", "60", "--interface", ClientAddress.ToString(), "-u", "alice:secret",
            .. mode == "PASV" ? ["--disable-epsv", "--no-ftp-skip-pasv-ip"] : Array.Empty<string>()];
        var url = $"ftp://{server.ProxyEndPoint}/{mode}.bin";
        server.PassivePeers.Clear();

        (await Client.RunAsync("curl", [.. common, "-T", Path.Combine(local, "up.bin"), url])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"{mode}.bin"))).Should().Equal(content);
        (await Client.RunAsync("curl", [.. common, "-o", Path.Combine(local, "down.bin"), url])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(local, "down.bin"))).Should().Equal(content);

        server.Transfers.Should().Contain(e => e.Path == $"/{mode}.bin" && e.Session.RemoteEndPoint.Address.Equals(ClientAddress));
        server.PassivePeers.Should().HaveCount(2, "one data connection per transfer, each passed through HAProxy")
            .And.OnlyContain(p => p.Address.Equals(ClientAddress), "the PROXY header of the data connection names the client");
    }

    /// <summary>The server, trusting 127.0.0.1, and HAProxy in front of it; HAProxy is stopped by its process id.</summary>
    public sealed class ProxiedServer : InteropServer, IAsyncLifetime
    {
        private Process? _haproxy;
        private string? _config;

        public IPEndPoint ProxyEndPoint { get; private set; } = null!;

        public ConcurrentBag<IPEndPoint> Sessions { get; } = [];

        public ConcurrentBag<FtpTransferEventArgs> Transfers { get; } = [];

        /// <summary>The peers the passive peer check was asked about (the data connections' clients).</summary>
        public ConcurrentQueue<IPEndPoint> PassivePeers { get; } = [];

        private FtpPortRange PassivePorts { get; set; }

        protected override void Configure(FtpServerOptions options)
        {
            options.Proxy.TrustedNetworks.Add("127.0.0.1/32");
            // HAProxy listens on the same ports on 127.0.0.2 and forwards each to the server's on 127.0.0.1.
            PassivePorts = FreeRange(4);
            options.Passive.PortRange = PassivePorts;
            options.Passive.PublicAddress = BalancerAddress;
        }

        protected override IFtpDataChannelPolicy CreateDataChannelPolicy(FtpServerOptions options)
            => new RecordingPolicy(new DefaultDataChannelPolicy(Microsoft.Extensions.Options.Options.Create(options)), PassivePeers);

        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Server.Events.SessionStarted += (_, e) => Sessions.Add(e.Session.RemoteEndPoint);
            Server.Events.TransferEnded += (_, e) => Transfers.Add(e);
            ProxyEndPoint = new IPEndPoint(BalancerAddress, FreePort(BalancerAddress));
            _config = Path.Combine(Root, "haproxy.cfg");
            await File.WriteAllTextAsync(_config, $"""
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                frontend ftp
                    bind {ProxyEndPoint}
                    default_backend nodes
                backend nodes
                    server node1 127.0.0.1:{Port} send-proxy-v2 check check-send-proxy inter 500ms
                frontend ftp-passive
                    bind {BalancerAddress}:{PassivePorts.From}-{PassivePorts.To}
                    default_backend passive
                backend passive
                    server node1 127.0.0.1 send-proxy-v2

                """);
            var info = new ProcessStartInfo("haproxy") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-db", "-f", _config })
            {
                info.ArgumentList.Add(argument);
            }

            try
            {
                _haproxy = Process.Start(info) ?? throw new InvalidOperationException("Could not start haproxy.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("'haproxy' is not installed; install it (apt-get install -y haproxy) to run the PROXY protocol interop tests.", ex);
            }

            _haproxy.OutputDataReceived += (_, _) => { };
            _haproxy.ErrorDataReceived += (_, _) => { };
            _haproxy.BeginOutputReadLine();
            _haproxy.BeginErrorReadLine();
            await WaitUntilListeningAsync();
        }

        public new async Task DisposeAsync()
        {
            if (_haproxy is { } haproxy)
            {
                try
                {
                    haproxy.Kill();
                    await haproxy.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
                }
                catch (InvalidOperationException)
                {
                }

                haproxy.Dispose();
            }

            await base.DisposeAsync();
        }

        private async Task WaitUntilListeningAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (true)
            {
                if (_haproxy!.HasExited)
                {
                    throw new InvalidOperationException($"haproxy exited with status {_haproxy.ExitCode}; configuration:\n{await File.ReadAllTextAsync(_config!)}");
                }

                try
                {
                    using var probe = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.4"), 0)); // not a client address the tests look for
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await probe.ConnectAsync(ProxyEndPoint, cts.Token);
                    return;
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }

        /// <summary>A run of ports free on both the balancer's address and the server's.</summary>
        private static FtpPortRange FreeRange(int count)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var from = Random.Shared.Next(20000, 60000);
                if (Enumerable.Range(from, count).All(p => IsFree(BalancerAddress, p) && IsFree(IPAddress.Loopback, p)))
                {
                    return (from, from + count - 1);
                }
            }

            throw new InvalidOperationException("No free run of passive ports on 127.0.0.1 and 127.0.0.2.");
        }

        private static bool IsFree(IPAddress address, int port)
        {
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private static int FreePort(IPAddress address)
        {
            using var listener = new TcpListener(address, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>The default policy, noting the peer of every passive data connection it is asked about.</summary>
    private sealed class RecordingPolicy(IFtpDataChannelPolicy inner, ConcurrentQueue<IPEndPoint> passivePeers) : IFtpDataChannelPolicy
    {
        public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
            => inner.GetPassiveAddressAsync(session, cancellationToken);

        public FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target) => inner.AllowActive(session, target);

        public FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer)
        {
            passivePeers.Enqueue(peer);
            return inner.AllowPassivePeer(session, peer);
        }
    }
}
