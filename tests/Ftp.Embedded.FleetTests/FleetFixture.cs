using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Ftp.Embedded.TestScripts;

namespace Ftp.Embedded.FleetTests;

/// <summary>
/// The fleet of samples/Ftp.Embedded.Samples.Fleet/fleet.sh: three nodes of the built sample host over the S3 provider
/// (127.0.0.11-13) behind HAProxy (127.0.0.10), over the S3 store that S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY
/// name (a new bucket) or, without them, an RGW of its own started by tests/Services/rgw.sh. Every process is stopped
/// in <see cref="DisposeAsync"/>, by the PIDs the script recorded, also after a failed start.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    public const int Nodes = 3;
    public const int PassivePortsPerNode = 10;
    public const string Prefix = "fleet";

    /// <summary>The nodes' DataStallTimeout: unfinished uploads older than this plus one minute are swept at a node's start.</summary>
    public static readonly TimeSpan DataStallTimeout = TimeSpan.FromSeconds(10);

    public static readonly IPAddress Balancer = IPAddress.Parse("127.0.0.10");
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(180);
    private readonly string _folder = Directory.CreateTempSubdirectory("ftp-fleet-").FullName;
    private readonly Dictionary<string, string> _environment = [];
    private bool _ownRgw;
    private string? _failure;
    private AmazonS3Client? _s3;

    public IPEndPoint EndPoint { get; private set; } = new(Balancer, 0);

    public string Bucket { get; } = $"fleet-{Guid.NewGuid():N}"[..32];

    public AmazonS3Client S3 => _s3 ?? throw new InvalidOperationException(_failure);

    public string Folder => _folder;

    public async Task InitializeAsync()
    {
        try
        {
            await StartStoreAsync();
            await S3.PutBucketAsync(Bucket);
            var port = FreePort();
            _environment["FLEET_SERVER"] = ServerDll();
            _environment["FLEET_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            _environment["FLEET_PASSIVE_BASE"] = FreePassiveBase().ToString(CultureInfo.InvariantCulture);
            _environment["FLEET_PASSIVE_PORTS"] = PassivePortsPerNode.ToString(CultureInfo.InvariantCulture);
            _environment["FLEET_BUCKET"] = Bucket;
            _environment["FLEET_PREFIX"] = Prefix;
            _environment["FLEET_USERS"] = "alice:alice-pw bob:bob-pw";
            _environment["FLEET_NODE_ARGS"] = "--max-sessions-per-ip 2";
            _environment["Ftp__Limits__FailedLoginDelay"] = "0";
            _environment["Ftp__Limits__DataStallTimeout"] = DataStallTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            _environment["Ftp__Security__Ban__Enabled"] = "true";
            _environment["Ftp__Security__Ban__MaxFailures"] = "2";
            _environment["Ftp__S3__StaleUploadAge"] = "1";
            var (code, output) = await RepositoryScript.RunAsync("samples/Ftp.Embedded.Samples.Fleet/fleet.sh", ["start", _folder], _environment, StartLimit);
            if (code != 0)
            {
                throw new InvalidOperationException($"fleet.sh start exited with {code}:\n{output}\n{Logs()}");
            }

            EndPoint = new IPEndPoint(Balancer, port);
        }
        catch (Exception ex)
        {
            _failure = ex.ToString();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        var (code, output) = await RepositoryScript.RunAsync("samples/Ftp.Embedded.Samples.Fleet/fleet.sh", ["stop", _folder], [], TimeSpan.FromSeconds(120));
        if (code != 0)
        {
            await Console.Error.WriteLineAsync($"fleet.sh stop {_folder} exited with {code}:\n{output}");
        }

        // Whatever the script could not stop (or never recorded as stopped) is killed by its recorded PID.
        foreach (var pidFile in Directory.GetFiles(_folder, "*.pid"))
        {
            KillRecorded(pidFile);
        }

        _s3?.Dispose();
        if (_ownRgw)
        {
            (code, output) = await RepositoryScript.RunAsync("tests/Services/rgw.sh", ["stop", Path.Combine(_folder, "rgw")], [], TimeSpan.FromSeconds(180));
            if (code != 0)
            {
                await Console.Error.WriteLineAsync($"rgw.sh stop exited with {code}:\n{output}");
                return;
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The node's log so far (its console: banner and Information-level events).</summary>
    public string Log(int node) => File.ReadAllText(Path.Combine(_folder, $"node{node}.log"));

    /// <summary>
    /// The node's log once it contains <paramref name="text"/> (the node writes its console asynchronously, so a line
    /// may follow the reply it belongs to), or as it is after 10 s.
    /// </summary>
    public async Task<string> LogContainingAsync(int node, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var log = Log(node);
        while (!log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            log = Log(node);
        }

        return log;
    }

    /// <summary>Every node's log and HAProxy's, for a failure message.</summary>
    public string Logs() => string.Join('\n', Directory.Exists(_folder)
        ? Directory.GetFiles(_folder, "*.log").Select(f => $"==> {f} <==\n{string.Join('\n', File.ReadLines(f).TakeLast(40))}")
        : []);

    /// <summary>SIGKILL of node <paramref name="node"/>: no drain, no aborted multipart upload.</summary>
    public void Kill(int node)
    {
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(_folder, $"node{node}.pid")).Trim(), CultureInfo.InvariantCulture));
        process.Kill();
        process.WaitForExit(TimeSpan.FromSeconds(10)).Should().BeTrue("a killed process exits");
    }

    /// <summary>Starts node <paramref name="node"/> again with the fleet's settings (fleet.sh start-node), waits for its banner.</summary>
    public async Task RestartAsync(int node)
    {
        var (code, output) = await RepositoryScript.RunAsync("samples/Ftp.Embedded.Samples.Fleet/fleet.sh", ["start-node", _folder, node.ToString(CultureInfo.InvariantCulture)], _environment, TimeSpan.FromSeconds(90));
        code.Should().Be(0, output);
    }

    /// <summary>Starts again any node that is not running (a test killed it and failed before its restart), then waits until HAProxy sees every node up.</summary>
    public async Task EnsureAllUpAsync()
    {
        for (var node = 1; node <= Nodes; node++)
        {
            if (!IsRunning(node))
            {
                await RestartAsync(node);
            }
        }

        await WaitUntilAllUpAsync();
    }

    private bool IsRunning(int node)
    {
        var pidFile = Path.Combine(_folder, $"node{node}.pid");
        try
        {
            using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Polls HAProxy's stats socket until every node is up (checked and passing), within 20 s.</summary>
    public async Task WaitUntilAllUpAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var state = "";
        while (DateTime.UtcNow < deadline)
        {
            state = await HaproxyAsync("show servers state nodes");
            var up = state.Split('\n').Select(l => l.Split(' ')).Count(f => f.Length > 5 && f[1] == "nodes" && f[5] == "2");
            if (up == Nodes)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"HAProxy did not see every node up within 20 s:\n{state}");
    }

    /// <summary>Connects through the balancer from <paramref name="source"/>, reads the greeting and returns the node that sent it.</summary>
    public async Task<(FtpWireClient Client, int Node)> ConnectAsync(IPAddress source)
    {
        var client = await FtpWireClient.ConnectAsync(EndPoint, new FtpWireOptions { Source = source, ExpectGreeting = false, Timeout = TimeSpan.FromSeconds(30) });
        var greeting = await client.ReadReplyAsync();
        return (client, NodeOf(greeting));
    }

    /// <summary>"220 Ftp.Embedded node2 ready" is node 2 (fleet.sh sets each node's greeting); 0 for any other reply.</summary>
    public static int NodeOf(FtpReply greeting)
        => greeting.Code == 220 && greeting.Text.StartsWith("Ftp.Embedded node", StringComparison.Ordinal)
            ? int.Parse(greeting.Text["Ftp.Embedded node".Length..].Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

    private async Task StartStoreAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("S3_ENDPOINT");
        var accessKey = Environment.GetEnvironmentVariable("S3_ACCESS_KEY");
        var secretKey = Environment.GetEnvironmentVariable("S3_SECRET_KEY");
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            _ownRgw = true;
            var rgw = Path.Combine(_folder, "rgw");
            // A port base of its own, so a cluster started by hand (default 46700) or another run does not collide.
            var environment = new Dictionary<string, string> { ["RGW_PORT_BASE"] = (45000 + Random.Shared.Next(0, 15) * 100).ToString(CultureInfo.InvariantCulture) };
            var (code, output) = await RepositoryScript.RunAsync("tests/Services/rgw.sh", ["start", rgw], environment, StartLimit);
            if (code != 0)
            {
                throw new InvalidOperationException($"tests/Services/rgw.sh start exited with {code}:\n{output}");
            }

            var env = File.ReadAllLines(Path.Combine(rgw, "env")).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            (endpoint, accessKey, secretKey) = (env["S3_ENDPOINT"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"]);
        }

        _environment["S3_ENDPOINT"] = endpoint;
        _environment["S3_ACCESS_KEY"] = accessKey;
        _environment["S3_SECRET_KEY"] = secretKey;
        _s3 = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    private async Task<string> HaproxyAsync(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_folder, "haproxy.sock")), cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\n"), cts.Token);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cts.Token);
    }

    private static void KillRecorded(string pidFile)
    {
        if (!int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // Started before its PID was recorded: the same process, not a later one that got the PID again.
            if (process.StartTime <= File.GetLastWriteTime(pidFile).AddSeconds(5))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>The sample host's build output for this configuration (the project reference builds it).</summary>
    private static string ServerDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepositoryScript.Root(), "samples", "Ftp.Embedded.Samples.Server", "bin", testOutput.Parent!.Name, testOutput.Name, "Ftp.Embedded.Samples.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("The sample host is not built: " + dll);
    }

    /// <summary>A control port free on the balancer's and the nodes' addresses.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var listener = new TcpListener(Balancer, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            if (Enumerable.Range(10, Nodes + 1).All(i => IsFree(IPAddress.Parse($"127.0.0.{i}"), port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No control port free on 127.0.0.10-13.");
    }

    /// <summary>A base for the nodes' passive ranges whose ports are free on the balancer's and the nodes' addresses.</summary>
    private static int FreePassiveBase()
    {
        var addresses = Enumerable.Range(10, Nodes + 1).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToArray();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = 20000 + Random.Shared.Next(0, 1200) * 10; // below the ephemeral ports (32768-60999)
            var ports = Enumerable.Range(first, Nodes * PassivePortsPerNode);
            if (ports.All(p => addresses.All(a => IsFree(a, p))))
            {
                return first;
            }
        }

        throw new InvalidOperationException("No free range of passive ports found between 20000 and 32000.");
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
}
