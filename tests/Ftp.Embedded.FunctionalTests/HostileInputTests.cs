using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Throws a few thousand malformed command sequences from a fixed seed at a live server over several connections at once,
/// then checks that it still serves an honest client, that every reply line it wrote was well formed, that no session
/// failed and nothing was logged as an error, and that every session ended. Set FTP_HOSTILE_SEED to replay another seed.
/// </summary>
public sealed partial class HostileInputTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_250_611;
    private const int CaseCount = 3000;
    private const int Connections = 8;

    /// <summary>Cases still queued when this runs out are skipped (and counted), so a slow machine cannot stretch the test.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    /// <summary>How long one answer may take; the server's own timeouts below are all shorter.</summary>
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 120_000)]
    public async Task Malformed_input_leaves_the_server_serving_well_formed_replies_without_faults()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FTP_HOSTILE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        output.WriteLine($"Seed {seed} (replay with FTP_HOSTILE_SEED={seed}).");
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.MaxSessionsPerIp = 1000;
            o.Limits.LoginTimeout = TimeSpan.FromSeconds(5);
            o.Limits.IdleTimeout = TimeSpan.FromSeconds(5);
            o.Limits.DataConnectTimeout = TimeSpan.FromSeconds(1);
            o.Limits.DataStallTimeout = TimeSpan.FromSeconds(3);
            o.Limits.TlsHandshakeTimeout = TimeSpan.FromSeconds(2);
            o.Limits.ShutdownTimeout = TimeSpan.FromSeconds(2);
            o.Tls.Certificate = TestCertificate.Instance;
        }, loggerFactory: loggerFactory);
        var sample = RandomNumberGenerator.GetBytes(100 * 1024);
        await server.WriteFileAsync("/home/alice/file.bin", sample);
        await server.FileSystem.CreateDirectoryAsync("/home/alice/dir", CancellationToken.None);
        await server.FileSystem.CreateDirectoryAsync("/home/alice/dir/sub", CancellationToken.None);
        await server.WriteFileAsync("/home/alice/dir/file.bin", sample[..1000]);
        await server.WriteFileAsync("/pub/file.bin", sample[..5000]);
        await server.WriteFileAsync("/home/bob/file.bin", sample[..7]);

        var limits = server.Options.Limits;
        var cases = new HostileInputs(seed, limits.MaxLineLength, limits.MaxPathLength, server.Port).Generate(CaseCount);
        var run = new HostileRun(server.Port, seed, limits.MaxLineLength, limits.MaxFailedLogins);
        var queue = new ConcurrentQueue<HostileCase>(cases);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < Budget && queue.TryDequeue(out var hostile))
            {
                try
                {
                    await run.RunAsync(hostile);
                }
                catch (Exception ex)
                {
                    run.Violation(hostile, $"the client side failed: {ex}", null);
                }
            }
        })));
        var hostilePhase = clock.Elapsed;

        // An honest client still logs in, stores and retrieves a file byte for byte.
        var content = RandomNumberGenerator.GetBytes(300 * 1024 + 17);
        await using (var honest = await server.LoginAsync())
        {
            await honest.ExpectAsync("TYPE I", 200);
            await honest.StoreAsync("STOR honest.bin", content);
            (await honest.RetrieveAsync("RETR honest.bin")).Should().Equal(content, $"the honest download matches (seed {seed})");
            (await server.ReadFileAsync("/home/alice/honest.bin")).Should().Equal(content);
            await honest.ExpectAsync("QUIT", 221);
        }

        // Every session ends: hostile ones, the ones PORT made at the control port, and the honest one.
        var deadline = Stopwatch.StartNew();
        while (server.Server.ActiveSessions > 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        output.WriteLine(run.Report(cases.Count, hostilePhase));
        output.WriteLine($"Log counts: {logs.Summary()}");
        server.Server.ActiveSessions.Should().Be(0, $"every session ends once its client is gone (seed {seed})");
        run.Violations.Should().BeEmpty($"every reply line is well formed and every sequence is answered (seed {seed}); first ones:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, run.Violations.Take(20))}");
        logs.Faults.Should().BeEmpty($"no session fails and no provider error is logged (seed {seed}): {string.Join(Environment.NewLine, logs.Faults.Take(10))}");
        logs.FaultCount.Should().Be(0);
        logs.Entries.Where(e => e.EventId.Id != CapturingLoggerProvider.LoginFailedEventId).Should().BeEmpty($"failed logins are the only warnings hostile input earns (seed {seed})");
        run.Completed.Should().BeGreaterThan(cases.Count / 10, "the budget leaves room for most cases");
    }

    /// <summary>The state of one hostile run: counters and violations, shared by the connections.</summary>
    private sealed class HostileRun(int port, int seed, int maxLineLength, int maxFailedLogins)
    {
        private readonly ConcurrentQueue<string> _violations = new();
        private readonly ConcurrentDictionary<int, int> _codes = new();
        private readonly ConcurrentDictionary<string, int> _outcomes = new();
        private readonly ConcurrentDictionary<string, double> _secondsByKind = new();
        private readonly ConcurrentBag<(double Seconds, int Id, string Kind)> _durations = [];
        private long _completed;
        private long _bytesSent;
        private long _replies;
        private long _dataConnections;

        public IReadOnlyCollection<string> Violations => _violations;

        public long Completed => Interlocked.Read(ref _completed);

        public int Port => port;

        public int Seed => seed;

        public void Violation(HostileCase hostile, string what, HostileConnection? connection)
            => _violations.Enqueue($"{hostile.Describe(Environment.GetEnvironmentVariable("FTP_HOSTILE_VERBOSE") is null ? 600 : 100_000)}{Environment.NewLine}  -> {what}{(connection is null ? "" : Environment.NewLine + connection.Transcript())}");

        public void Sent(int bytes) => Interlocked.Add(ref _bytesSent, bytes);

        public void Reply(int code)
        {
            Interlocked.Increment(ref _replies);
            _codes.AddOrUpdate(code, 1, static (_, n) => n + 1);
        }

        public void DataConnection() => Interlocked.Increment(ref _dataConnections);

        public void Outcome(string outcome) => _outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);

        public async Task RunAsync(HostileCase hostile)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await RunCaseAsync(hostile);
            }
            finally
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                _secondsByKind.AddOrUpdate(hostile.Kind, seconds, (_, total) => total + seconds);
                _durations.Add((seconds, hostile.Id, hostile.Kind));
            }
        }

        private async Task RunCaseAsync(HostileCase hostile)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await using var connection = new HostileConnection(this, hostile, socket);
            using (var connect = new CancellationTokenSource(ReplyWait))
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), connect.Token);
            }

            connection.Start();
            var greeting = await connection.NextReplyAsync(ReplyWait);
            if (greeting?.Code != 220)
            {
                Violation(hostile, greeting is null ? "no greeting" : $"greeting {greeting.Code} instead of 220", connection);
                return;
            }

            foreach (var write in hostile.Writes)
            {
                if (write.PauseMilliseconds > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(write.PauseMilliseconds));
                }

                if (!await connection.TrySendAsync(write.Bytes, write.Urgent))
                {
                    break;
                }
            }

            await FinishAsync(hostile, connection);
            Interlocked.Increment(ref _completed);
        }

        private async Task FinishAsync(HostileCase hostile, HostileConnection connection)
        {
            switch (hostile.Ending)
            {
                case HostileEnding.Sentinel:
                {
                    var verb = hostile.SentinelVerb;
                    // End a line left open first (its reply comes before the sentinel's).
                    var open = hostile.Writes.Count > 0 && hostile.Writes[^1].Bytes is [.., not (byte)'\n'];
                    await connection.TrySendAsync(Encoding.ASCII.GetBytes($"{(open ? "\r\n" : "")}{verb}\r\n"), urgent: false);
                    var found = await connection.WaitForAsync(r => r.Code == 500 && r.Lines[0].Contains($"'{verb}'", StringComparison.Ordinal), ReplyWait);
                    if (found == WaitResult.Found)
                    {
                        Outcome("answered");
                        if (hostile.ExpectedRefusals is { } refusals)
                        {
                            var answers = connection.Received.Skip(1).SkipLast(1).Select(r => r.Code).ToArray();
                            if (answers.Length != refusals || answers.Any(code => code != 530))
                            {
                                Violation(hostile, $"{refusals} commands before login should each get 530, got [{string.Join(",", answers)}]", connection);
                            }
                        }

                        // The server must close once the client has nothing more to say.
                        connection.ShutdownSend();
                        await ExpectClosedAsync(hostile, connection, "after the client's half-close");
                    }
                    else
                    {
                        CheckClosedForAReason(hostile, connection, found);
                    }

                    break;
                }

                case HostileEnding.Quit:
                    await connection.TrySendAsync("\r\nQUIT\r\n"u8.ToArray(), urgent: false);
                    if (await ExpectClosedAsync(hostile, connection, "after QUIT") && connection.Received.Count > 0
                        && !connection.Received.Any(r => r.Code == 221) && !ClosedForAReason(hostile, connection))
                    {
                        Violation(hostile, "closed after QUIT without 221 or another reason", connection);
                    }

                    Outcome("quit");
                    break;
                case HostileEnding.HalfClose:
                    connection.ShutdownSend();
                    await ExpectClosedAsync(hostile, connection, "after the client's half-close");
                    Outcome("half-closed");
                    break;
                case HostileEnding.Reset:
                    connection.Reset();
                    Outcome("reset");
                    break;
                default:
                    connection.CloseNow();
                    Outcome("closed");
                    break;
            }
        }

        private async Task<bool> ExpectClosedAsync(HostileCase hostile, HostileConnection connection, string when)
        {
            var result = await connection.WaitForAsync(_ => false, ReplyWait);
            if (result == WaitResult.TimedOut)
            {
                Violation(hostile, $"the server did not close the connection {when} within {ReplyWait.TotalSeconds} s", connection);
                return false;
            }

            return true;
        }

        private void CheckClosedForAReason(HostileCase hostile, HostileConnection connection, WaitResult result)
        {
            if (result == WaitResult.TimedOut)
            {
                Violation(hostile, $"no answer to the sentinel within {ReplyWait.TotalSeconds} s", connection);
                return;
            }

            if (!ClosedForAReason(hostile, connection))
            {
                Violation(hostile, "the server closed the connection without saying why", connection);
                return;
            }

            Outcome(connection.ResetByPeer ? "reset by server" : $"closed by server after {connection.Received[^1].Code}");
        }

        /// <summary>
        /// The server may close on its own only after 221 (QUIT inside the input), 421 (too many failed logins, a timeout),
        /// 234 (AUTH followed by bytes that are no TLS handshake), or 500 for a line over the limit. When it closes with
        /// input left unread, the kernel resets the connection and drops replies not yet on the wire, the last one
        /// included: a reset is then explained by such a command anywhere in the input.
        /// </summary>
        private bool ClosedForAReason(HostileCase hostile, HostileConnection connection)
        {
            var received = connection.Received;
            if (received.Count > 0)
            {
                var last = received[^1];
                if (last.Code is 221 or 421 or 234 || (last.Code == 500 && last.Text.StartsWith("Command line too long", StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            return connection.ResetByPeer && (hostile.Ending == HostileEnding.Quit || hostile.MayEndSession(maxLineLength, maxFailedLogins));
        }

        public string Report(int total, TimeSpan elapsed)
        {
            var builder = new StringBuilder();
            builder.AppendLine(CultureInfo.InvariantCulture, $"Hostile run, seed {seed}: {Completed} of {total} cases in {elapsed.TotalSeconds:F1} s over {Connections} connections at once.");
            builder.AppendLine(CultureInfo.InvariantCulture, $"  bytes sent {Interlocked.Read(ref _bytesSent)}, replies {Interlocked.Read(ref _replies)}, data connections {Interlocked.Read(ref _dataConnections)}, violations {_violations.Count}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"  reply codes: {string.Join(" ", _codes.OrderBy(p => p.Key).Select(p => $"{p.Key}x{p.Value}"))}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"  seconds by kind: {string.Join(", ", _secondsByKind.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:F1}"))}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"  slowest cases: {string.Join(", ", _durations.OrderByDescending(d => d.Seconds).Take(8).Select(d => $"{d.Id} ({d.Kind}) {d.Seconds:F1} s"))}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"  endings: {string.Join(", ", _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"))}");
            return builder.ToString();
        }
    }

    private enum WaitResult
    {
        Found,
        Closed,
        TimedOut,
    }

    /// <summary>
    /// One hostile control connection. A background loop reads every byte the server sends, checks each line (CRLF, UTF-8,
    /// <c>^\d{3}[ -]</c> or a continuation inside a multi-line reply), collects the replies, and answers every 227 and 229
    /// by opening the data connection and doing something hostile with it.
    /// </summary>
    private sealed partial class HostileConnection(HostileRun run, HostileCase hostile, Socket socket) : IAsyncDisposable
    {
        private readonly Channel<FtpReply> _replies = Channel.CreateUnbounded<FtpReply>();
        private readonly List<FtpReply> _received = [];
        private readonly List<Task> _dataTasks = [];
        private readonly Random _random = new(HashCode.Combine(run.Seed, hostile.Id));
        private Task _readLoop = Task.CompletedTask;
        private volatile bool _locallyClosed;

        public bool ResetByPeer { get; private set; }

        /// <summary>The replies taken so far by <see cref="NextReplyAsync"/> and <see cref="WaitForAsync"/>.</summary>
        public IReadOnlyList<FtpReply> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public void Start() => _readLoop = Task.Run(ReadLoopAsync);

        public async Task<FtpReply?> NextReplyAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                var reply = await _replies.Reader.ReadAsync(cts.Token);
                Take(reply);
                return reply;
            }
            catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
            {
                return null;
            }
        }

        public async Task<WaitResult> WaitForAsync(Func<FtpReply, bool> predicate, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (await _replies.Reader.WaitToReadAsync(cts.Token))
                {
                    while (_replies.Reader.TryRead(out var reply))
                    {
                        Take(reply);
                        if (predicate(reply))
                        {
                            return WaitResult.Found;
                        }
                    }
                }

                return WaitResult.Closed;
            }
            catch (OperationCanceledException)
            {
                return WaitResult.TimedOut;
            }
        }

        /// <summary>Sends everything; false when the server has closed or reset the connection.</summary>
        public async Task<bool> TrySendAsync(byte[] bytes, bool urgent)
        {
            using var cts = new CancellationTokenSource(ReplyWait);
            try
            {
                var offset = 0;
                while (offset < bytes.Length)
                {
                    offset += await socket.SendAsync(bytes.AsMemory(offset), urgent ? SocketFlags.OutOfBand : SocketFlags.None, cts.Token);
                }

                run.Sent(bytes.Length);
                return true;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return false;
            }
        }

        public void ShutdownSend()
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }

        /// <summary>An abortive close: linger 0, so the server gets a RST instead of a FIN.</summary>
        public void Reset()
        {
            _locallyClosed = true;
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (SocketException)
            {
            }

            socket.Dispose();
        }

        public void CloseNow()
        {
            _locallyClosed = true;
            socket.Dispose();
        }

        public string Transcript()
        {
            var received = Received;
            var lines = received.Select(r => string.Join(" / ", r.Lines.Select(l => l.Length > 160 ? l[..160] + "..." : l)));
            return $"  connection {(ResetByPeer ? "reset by the server" : "closed")}; replies: " + string.Join(Environment.NewLine + "           ", lines.Take(60)) + (received.Count > 60 ? $" ...({received.Count} in all)" : "");
        }

        private void Take(FtpReply reply)
        {
            lock (_received)
            {
                _received.Add(reply);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _locallyClosed = true;
            socket.Dispose();
            await _readLoop;
            Task[] data;
            lock (_dataTasks)
            {
                data = [.. _dataTasks];
            }

            await Task.WhenAll(data);
        }

        private async Task ReadLoopAsync()
        {
            var buffer = new byte[16 * 1024];
            var line = new List<byte>();
            var reply = new List<string>();
            string? multiline = null;
            try
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    }
                    catch (SocketException ex) when (!_locallyClosed)
                    {
                        ResetByPeer = ex.SocketErrorCode == SocketError.ConnectionReset;
                        return;
                    }

                    if (read == 0)
                    {
                        if (!_locallyClosed && (line.Count > 0 || multiline is not null))
                        {
                            run.Violation(hostile, line.Count > 0 ? "the connection ended inside a reply line" : "the connection ended inside a multi-line reply", this);
                        }

                        return;
                    }

                    for (var i = 0; i < read; i++)
                    {
                        if (buffer[i] != (byte)'\n')
                        {
                            line.Add(buffer[i]);
                            continue;
                        }

                        var text = CheckLine(line);
                        line.Clear();
                        if (multiline is not null)
                        {
                            reply.Add(text);
                            if (text.StartsWith(multiline + " ", StringComparison.Ordinal))
                            {
                                Complete(reply);
                                multiline = null;
                            }

                            continue;
                        }

                        if (!ReplyLine().IsMatch(text))
                        {
                            run.Violation(hostile, $"not a reply line: '{Printable(text)}'", this);
                            continue;
                        }

                        reply.Add(text);
                        if (text[3] == '-')
                        {
                            multiline = text[..3];
                        }
                        else
                        {
                            Complete(reply);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
            }
            finally
            {
                _replies.Writer.TryComplete();
            }
        }

        /// <summary>Checks one line as sent (CRLF, no other CR, UTF-8) and returns its text without the CR.</summary>
        private string CheckLine(List<byte> bytes)
        {
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
            if (span.IsEmpty || span[^1] != (byte)'\r')
            {
                run.Violation(hostile, $"a reply line ends with a bare LF: '{HostileCase.Escape(span.ToArray(), 200)}'", this);
            }
            else
            {
                span = span[..^1];
            }

            if (span.IndexOf((byte)'\r') >= 0)
            {
                run.Violation(hostile, $"a reply line holds a bare CR: '{HostileCase.Escape(span.ToArray(), 200)}'", this);
            }

            if (!System.Text.Unicode.Utf8.IsValid(span))
            {
                run.Violation(hostile, $"a reply line is not UTF-8: '{HostileCase.Escape(span.ToArray(), 200)}'", this);
            }

            return Encoding.UTF8.GetString(span);
        }

        private void Complete(List<string> lines)
        {
            var reply = new FtpReply(int.Parse(lines[0][..3], CultureInfo.InvariantCulture), [.. lines]);
            lines.Clear();
            run.Reply(reply.Code);
            if (reply.Code is 227 or 229 && PassivePort(reply.Lines[^1]) is { } port)
            {
                var behaviour = _random.Next(100);
                var payload = new byte[_random.Next(10) == 0 ? 0 : _random.Next(1, 70_000)];
                _random.NextBytes(payload);
                lock (_dataTasks)
                {
                    _dataTasks.Add(Task.Run(() => UseDataConnectionAsync(port, behaviour, payload)));
                }
            }

            _replies.Writer.TryWrite(reply);
        }

        /// <summary>
        /// Connects to the passive port and then, by <paramref name="behaviour"/>: sends the payload, half-closes and reads
        /// to the end (most of the time), resets at once, sends then resets, closes at once, or never connects.
        /// </summary>
        private async Task UseDataConnectionAsync(int port, int behaviour, byte[] payload)
        {
            if (behaviour >= 99)
            {
                return; // Never connects: the transfer hits the data connect timeout.
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            using var data = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
                run.DataConnection();
                if (behaviour < 70)
                {
                    await data.SendAsync(payload, SocketFlags.None, cts.Token);
                    data.Shutdown(SocketShutdown.Send);
                    var sink = new byte[64 * 1024];
                    while (await data.ReceiveAsync(sink, SocketFlags.None, cts.Token) > 0)
                    {
                    }
                }
                else if (behaviour < 82)
                {
                    data.LingerState = new LingerOption(true, 0);
                }
                else if (behaviour < 92)
                {
                    await data.SendAsync(payload, SocketFlags.None, cts.Token);
                    data.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        private static int? PassivePort(string line)
        {
            var epsv = EpsvPort().Match(line);
            if (epsv.Success)
            {
                return int.Parse(epsv.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            var pasv = PasvAddress().Match(line);
            return pasv.Success
                ? (int.Parse(pasv.Groups[1].Value, CultureInfo.InvariantCulture) << 8) + int.Parse(pasv.Groups[2].Value, CultureInfo.InvariantCulture)
                : null;
        }

        private static string Printable(string text) => text.Length > 200 ? text[..200] + "..." : text;

        [GeneratedRegex(@"^\d{3}[ -]")]
        private static partial Regex ReplyLine();

        [GeneratedRegex(@"\(\|\|\|(\d+)\|\)")]
        private static partial Regex EpsvPort();

        [GeneratedRegex(@"\(\d+,\d+,\d+,\d+,(\d+),(\d+)\)")]
        private static partial Regex PasvAddress();
    }
}
