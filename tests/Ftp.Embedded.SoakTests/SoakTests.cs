using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ftp.Embedded.SoakTests;

/// <summary>
/// Soak and churn: many clients connect, log in, upload, download, list, abort and reset against one in-process server
/// for a while, and then the process must hold what it held before (file descriptors, threads, sockets, listeners on the
/// passive range, managed memory), every upload acknowledged with 226 must be stored byte for byte, and no session may
/// have failed. Quick mode by default; see README.md for the full mode.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    /// <summary>
    /// Managed memory the run may add: buffers pooled by the runtime beyond what the warm-up left, dictionary capacity
    /// that grew with the session count and does not shrink, counters. A leak of one session or one 1 MiB upload buffer
    /// per hundred sessions would exceed it many times over.
    /// </summary>
    private const long MemorySlack = 8L * 1024 * 1024;

    /// <summary>Descriptors the runtime may open lazily (for example while reading /proc).</summary>
    private const int DescriptorSlack = 4;

    /// <summary>Idle thread-pool threads retire after about 20 s; this many may still be around when measured.</summary>
    private const int ThreadSlack = 10;

    private const int Addresses = 4;
    private const int SessionStartedEventId = 4;
    private const int SessionEndedEventId = 5;
    private const int PassiveBase = 61_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Churning_clients_leave_no_leaks_and_every_acknowledged_upload_intact()
    {
        var settings = SoakSettings.FromEnvironment();
        var total = Stopwatch.StartNew();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var range = FreePassiveRange(Math.Max(256, settings.Clients * 3));
        var addresses = LoopbackAddresses();
        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/pub", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home/alice", CancellationToken.None);
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.MaxSessions = (settings.Clients * 2) + 20;
        options.Limits.MaxSessionsPerIp = settings.Clients + 20;
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        options.Passive.PortRange = range;
        await using var server = FtpServer.Create(options, new InMemoryFileSystemProvider(fileSystem), Authenticators(), loggerFactory: loggerFactory);
        await server.StartAsync(CancellationToken.None);
        var endpoint = server.EndPoints[0];

        // Every client (and its 1 MiB content buffer) exists before the baseline, and a short warm-up with all of them
        // brings the runtime's pools, socket engines and the JIT to their steady state.
        var clients = Enumerable.Range(0, settings.Clients)
            .Select(i => new SoakClient(i, addresses[i % addresses.Length], endpoint, fileSystem, settings.Seed))
            .ToArray();
        var warmStats = new SoakStats();
        await RunLoadAsync(clients, warmStats, WarmUp);
        foreach (var client in clients)
        {
            await client.VerifyAndDeleteRemainingAsync(warmStats);
        }

        var warmDrained = await WaitForNoSessionsAsync(server);
        var baseline = ResourceSnapshot.Take(range);

        var stats = new SoakStats();
        var load = Stopwatch.StartNew();
        var finished = await RunLoadAsync(clients, stats, settings.Duration);
        var loadTime = load.Elapsed;
        var drain = Stopwatch.StartNew();
        var drained = await WaitForNoSessionsAsync(server);
        var drainTime = drain.Elapsed;

        foreach (var client in clients)
        {
            await client.VerifyAndDeleteRemainingAsync(stats);
        }

        var leftovers = new List<string>();
        foreach (var directory in new[] { "/pub", "/home/alice" })
        {
            await foreach (var entry in fileSystem.ListAsync(directory, CancellationToken.None))
            {
                leftovers.Add($"{directory}/{entry.Name} ({entry.Length} bytes)");
            }
        }

        // Let idle thread-pool threads retire (bounded), then measure.
        var settle = Stopwatch.StartNew();
        while (ResourceSnapshot.ThreadCount() > baseline.Threads + ThreadSlack && settle.Elapsed < SettleTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var after = ResourceSnapshot.Take(range);
        GC.KeepAlive(clients);

        var report = Report(settings, range, baseline, after, stats, warmStats, loadTime, drainTime, total.Elapsed, logs);
        output.WriteLine(report);
        if (settings.ReportPath is { } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        using (new FluentAssertions.Execution.AssertionScope())
        {
            finished.Should().BeTrue("every client stops within the drain timeout after the load ends");
            warmDrained.Should().BeTrue("the warm-up sessions end");
            drained.Should().BeTrue("every session ends once the clients have gone");
            server.ActiveSessions.Should().Be(0);
            stats.Errors.Should().Be(0, $"no client meets an unexpected reply, a corrupt download or a timeout:{Environment.NewLine}{string.Join(Environment.NewLine, stats.ErrorSamples)}");
            warmStats.Errors.Should().Be(0, $"the warm-up goes as well:{Environment.NewLine}{string.Join(Environment.NewLine, warmStats.ErrorSamples)}");
            logs.Faults.Should().BeEmpty("no session fails (event 9), no provider fails (event 10) and nothing is logged as an error");
            logs.FaultCount.Should().Be(0);
            logs.Entries.Should().BeEmpty("nothing is even worth a warning under honest churn");
            logs.CountOf(SessionEndedEventId).Should().Be(logs.CountOf(SessionStartedEventId), "every session that started has ended");
            stats.UploadsCompleted.Should().BeGreaterThan(0);
            stats.DownloadsVerified.Should().BeGreaterThan(0);
            stats.FilesVerified.Should().Be(stats.UploadsCompleted, "every upload acknowledged with 226 is checked byte for byte in the filesystem");
            warmStats.FilesVerified.Should().Be(warmStats.UploadsCompleted);
            leftovers.Should().BeEmpty("cut uploads leave neither a temporary file nor a file under their name");
            if (ResourceSnapshot.Supported)
            {
                after.FileDescriptors.Should().BeLessThanOrEqualTo(baseline.FileDescriptors + DescriptorSlack, "no descriptor leaks");
                after.OwnedPassiveListeners.Should().Be(0, "no passive listener is left open");
                after.AnyPassiveListeners.Should().BeLessThanOrEqualTo(baseline.AnyPassiveListeners, "no passive listener is left open");
                after.OwnedEstablished.Should().BeLessThanOrEqualTo(baseline.OwnedEstablished, "no connection is left open");
                after.OwnedTcpSockets.Should().BeLessThanOrEqualTo(baseline.OwnedTcpSockets, "no socket is left in any state");
            }

            after.Threads.Should().BeLessThanOrEqualTo(baseline.Threads + ThreadSlack, "no thread leaks");
            (after.ManagedBytes - baseline.ManagedBytes).Should().BeLessThan(MemorySlack, "no managed memory leaks");
        }
    }

    /// <summary>Runs the clients for <paramref name="duration"/>; false when some did not stop within the drain timeout.</summary>
    private static async Task<bool> RunLoadAsync(IReadOnlyList<SoakClient> clients, SoakStats stats, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        using var hardStop = new CancellationTokenSource(duration + DrainTimeout);
        var all = Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(stats, stop.Token, hardStop.Token))));
        try
        {
            await all.WaitAsync(duration + DrainTimeout + TimeSpan.FromSeconds(30));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitForNoSessionsAsync(FtpServer server)
    {
        var clock = Stopwatch.StartNew();
        while (server.ActiveSessions > 0 && clock.Elapsed < SettleTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return server.ActiveSessions == 0;
    }

    /// <summary>alice with a cheap hash (so that logins measure the server, not PBKDF2), and anonymous with full rights in /pub.</summary>
    private static IFtpAuthenticator[] Authenticators()
    {
        const int iterations = 1000;
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2("secret"u8, salt, iterations, HashAlgorithmName.SHA256, 32);
        var users = new FtpLocalUserOptions();
        users.Add("alice", string.Create(CultureInfo.InvariantCulture, $"PBKDF2-SHA256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}"), "/home/alice");
        var anonymous = new FtpAnonymousOptions { HomeDirectory = "/pub", Permissions = FtpPermissions.All };
        return
        [
            new AnonymousAuthenticator(Microsoft.Extensions.Options.Options.Create(anonymous)),
            new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users)),
        ];
    }

    /// <summary>127.0.0.1 to 127.0.0.4 where the system routes them (Linux does), otherwise 127.0.0.1 alone.</summary>
    private static IPAddress[] LoopbackAddresses()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            return Enumerable.Range(1, Addresses).Select(i => new IPAddress([127, 0, 0, (byte)i])).ToArray();
        }
        catch (SocketException)
        {
            return [IPAddress.Loopback];
        }
    }

    /// <summary>A block of ports above the ephemeral range in which nothing listens now.</summary>
    private static (int From, int To) FreePassiveRange(int size)
    {
        for (var from = PassiveBase; from + size - 1 <= 65_535; from += size)
        {
            var range = (from, from + size - 1);
            if (!ResourceSnapshot.Supported || ResourceSnapshot.Take(range).AnyPassiveListeners == 0)
            {
                return range;
            }
        }

        return (PassiveBase, PassiveBase + size - 1);
    }

    private static string Report(SoakSettings settings, (int From, int To) range, ResourceSnapshot baseline, ResourceSnapshot after, SoakStats stats,
        SoakStats warm, TimeSpan load, TimeSpan drain, TimeSpan total, CapturingLoggerProvider logs)
    {
        var b = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        b.AppendLine(c, $"Ftp.Embedded soak, {settings.Mode} mode: {settings.Clients} clients, {load.TotalSeconds:F1} s of load (asked {settings.Duration.TotalSeconds:F0} s), seed {settings.Seed}");
        b.AppendLine(c, $"Server on 127.0.0.1, InMemoryFileSystem, passive ports {range.From}-{range.To}, clients from 127.0.0.1-{Addresses}; {Environment.ProcessorCount} cores; {(Debugger.IsAttached ? "debugger" : RuntimeLabel())}");
        b.AppendLine();
        b.AppendLine(c, $"{"resource",-40} {"baseline",14} {"after",14} {"delta",12}   limit");
        Row(b, "open file descriptors", baseline.FileDescriptors, after.FileDescriptors, $"<= +{DescriptorSlack}");
        Row(b, "threads", baseline.Threads, after.Threads, $"<= +{ThreadSlack}");
        Row(b, "own TCP sockets, ESTABLISHED", baseline.OwnedEstablished, after.OwnedEstablished, "<= +0");
        Row(b, "own TCP sockets, every state", baseline.OwnedTcpSockets, after.OwnedTcpSockets, "<= +0");
        Row(b, "own LISTEN sockets on the passive range", baseline.OwnedPassiveListeners, after.OwnedPassiveListeners, "= 0");
        Row(b, "any LISTEN sockets on the passive range", baseline.AnyPassiveListeners, after.AnyPassiveListeners, "<= +0");
        Row(b, "managed memory, bytes (after full GC)", baseline.ManagedBytes, after.ManagedBytes, $"< +{MemorySlack / (1024 * 1024)} MiB");
        b.AppendLine(c, $"{"own TCP sockets by state",-40} {ResourceSnapshot.Describe(baseline.OwnedByState),14} {ResourceSnapshot.Describe(after.OwnedByState),14}");
        b.AppendLine();
        b.AppendLine(c, $"sessions {stats.Sessions} (refused {stats.Refused}), logins {stats.Logins}");
        b.AppendLine(c, $"uploads completed (226) {stats.UploadsCompleted}, {stats.BytesUploaded / (1024.0 * 1024):F1} MiB; downloads verified byte for byte {stats.DownloadsVerified}, {stats.BytesDownloaded / (1024.0 * 1024):F1} MiB");
        b.AppendLine(c, $"transfers done {stats.UploadsCompleted + stats.DownloadsVerified} (uploads + verified downloads), listings {stats.Listings}");
        b.AppendLine(c, $"aborted with ABOR: {stats.AbortedUploads + stats.AbortedDownloads} ({stats.AbortedUploads} uploads, {stats.AbortedDownloads} downloads)");
        b.AppendLine(c, $"reset mid-transfer: data {stats.DataResetUploads + stats.DataResetDownloads} ({stats.DataResetUploads} uploads, {stats.DataResetDownloads} downloads), control {stats.ControlResets}");
        b.AppendLine(c, $"sessions ended: QUIT {stats.Quits}, close {stats.Closes}, reset {stats.Resets}, reset mid-transfer {stats.ControlResets}");
        b.AppendLine(c, $"uploads verified in the filesystem {stats.FilesVerified} of {stats.UploadsCompleted}; deleted {stats.FilesDeleted}; passive refusals (425) {stats.PassiveRefused}");
        b.AppendLine(c, $"errors {stats.Errors}; warm-up: {warm.Sessions} sessions, {warm.UploadsCompleted} uploads, {warm.FilesVerified} verified, {warm.Errors} errors");
        b.AppendLine(c, $"log: faults {logs.FaultCount}, warnings {logs.CountOf(LogLevel.Warning)}; {logs.Summary()}");
        b.AppendLine(c, $"durations: load {load.TotalSeconds:F1} s, drain to 0 sessions {drain.TotalSeconds:F1} s, whole test {total.TotalSeconds:F1} s");
        return b.ToString();
    }

    private static void Row(StringBuilder b, string name, long baseline, long after, string limit)
        => b.AppendLine(CultureInfo.InvariantCulture, $"{name,-40} {baseline,14:N0} {after,14:N0} {after - baseline,12:+#,0;-#,0;0}   {limit}");

    private static string RuntimeLabel()
        => $".NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {(typeof(SoakTests).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled) ? "Debug" : "Release")} build";
}
