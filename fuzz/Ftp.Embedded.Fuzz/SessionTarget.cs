using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Transport;
using FtpWire;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Fuzz;

/// <summary>
/// The whole session, bytes in and replies out: one <see cref="FtpServer"/> per process over a fresh
/// <see cref="InMemoryFileSystem"/> per input. Each input is one control connection over the in-memory transport (data
/// connections stay TCP on 127.0.0.1, which is the control connection's address): its bytes are sent (split into
/// several sends at <see cref="Separator"/>, waiting for a reply between sends), the connection is half-closed and
/// the replies are read until the server closes it. Passive replies (227, 229) are answered by connecting the data
/// connection; a 234 reply to AUTH is answered with a TLS handshake. Every reply line is checked, the server's
/// warnings and errors with an exception are crashes (<see cref="CrashingLoggerFactory"/>), and an input that does
/// not finish within <see cref="TimeLimit"/> is a hang: both end the process.
/// </summary>
internal static partial class SessionTarget
{
    /// <summary>Splits the input into separate sends.</summary>
    public static readonly byte[] Separator = "~~~~"u8.ToArray();

    /// <summary>An input that takes longer is a hang. Normal inputs take milliseconds.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>The port the seeds' PORT and EPRT name: 127,0,0,1,184,217.</summary>
    public const int PreferredActivePort = 47321;

    /// <summary>
    /// Active-mode data connections (PORT/EPRT) may only go to the harness's own listener, on this port: the
    /// preferred one, or any free one when another process has it (then the seeds' PORT commands get 504).
    /// </summary>
    public static int ActivePort { get; private set; } = -1;

    private const int MaxSends = 64;
    private static readonly TimeSpan ReplyWait = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] DataPayload = "fuzz data\r\nbare LF\nbare CR\rend\r\n"u8.ToArray();
    private static readonly Lazy<Harness> Shared = new(Harness.Start);

    public static bool Verbose { get; set; }

    public static void Run(byte[] input)
    {
        var harness = Shared.Value;
        using var deadline = new CancellationTokenSource(TimeLimit);
        try
        {
            harness.RunAsync(input, deadline.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Fail($"hang: the input did not finish within {TimeLimit.TotalSeconds} s ({harness.Describe()})", input);
        }
    }

    internal static void Fail(string message, byte[]? input = null)
    {
        var text = input is null ? message : $"{message}\ninput ({input.Length} bytes): {Escape(input, 512)}";
        FailureLog.Write("FUZZ FAILURE: " + message, input);
        Console.Error.WriteLine("FUZZ FAILURE: " + text);
        Console.Error.Flush();
        Environment.FailFast("FUZZ FAILURE: " + text);
    }

    internal static string Escape(ReadOnlySpan<byte> bytes, int max)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            builder.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return bytes.Length > max ? builder.Append("...").ToString() : builder.ToString();
    }

    private static List<byte[]> Split(byte[] input)
    {
        var chunks = new List<byte[]>();
        var rest = input.AsSpan();
        while (chunks.Count < MaxSends - 1)
        {
            var at = rest.IndexOf(Separator);
            if (at < 0)
            {
                break;
            }

            chunks.Add(rest[..at].ToArray());
            rest = rest[(at + Separator.Length)..];
        }

        chunks.Add(rest.ToArray());
        return chunks;
    }

    [GeneratedRegex(@"^\..*\.[0-9a-f]{8}\.part$")]
    private static partial Regex PartialUpload();

    /// <summary>The server, the data-connection helpers and the per-input state.</summary>
    private sealed class Harness
    {
        private readonly FtpServer _server;
        private readonly InMemoryConnectionListener _listener;
        private readonly SwitchableFileSystemProvider _fileSystems;
        private readonly FtpActiveListener? _activeListener;
        private readonly List<Task> _dataTasks = [];
        private string _phase = "starting";

        private Harness(FtpServer server, InMemoryConnectionListener listener, SwitchableFileSystemProvider fileSystems, FtpActiveListener? activeListener)
        {
            _server = server;
            _listener = listener;
            _fileSystems = fileSystems;
            _activeListener = activeListener;
        }

        public static Harness Start()
        {
            var options = new FtpServerOptions();
            options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 21)); // validated, never bound: the listener below serves
            options.Hosts.Add("ftp.example.com");
            options.Limits.FailedLoginDelay = TimeSpan.Zero;
            options.Limits.DataConnectTimeout = TimeSpan.FromMilliseconds(300);
            options.Limits.TlsHandshakeTimeout = TimeSpan.FromMilliseconds(500);
            options.Limits.MaxLineLength = 1024;
            options.Limits.MaxPathLength = 256;
            options.Tls.Certificate = CreateCertificate();

            var anonymous = new FtpAnonymousOptions { HomeDirectory = "/pub", UploadDirectory = "/incoming" };
            var users = new FtpLocalUserOptions();
            // One PBKDF2 iteration: the real default (100 000) would make every PASS cost tens of milliseconds.
            users.Add("alice", QuickHash("secret"), "/home/alice");
            users.Add("bob", QuickHash("hunter2"), "/home/bob", FtpPermissions.Read);
            var authenticators = new IFtpAuthenticator[]
            {
                new AnonymousAuthenticator(Options.Create(anonymous)),
                new LocalUserAuthenticator(Options.Create(users)),
            };

            var fileSystems = new SwitchableFileSystemProvider();
            // The preferred port, or any free one when another fuzzing process has it.
            var activeListener = FtpActiveListener.TryListen(IPAddress.Loopback, PreferredActivePort, 0);
            ActivePort = activeListener?.EndPoint.Port ?? -1;
            var policy = new HarnessDataChannelPolicy(new DefaultDataChannelPolicy(Options.Create(options)));
            var listener = new InMemoryConnectionListener(new IPEndPoint(IPAddress.Loopback, 21));
            var services = new ServerServices(options, fileSystems, authenticators, policy)
            {
                LoggerFactory = new CrashingLoggerFactory(),
                TimeProvider = new FastHeartbeatTimeProvider(),
            };
            var server = new FtpServer(services, [listener]);
            server.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            var harness = new Harness(server, listener, fileSystems, activeListener);
            if (activeListener is not null)
            {
                _ = harness.AcceptActiveAsync(activeListener);
            }

            return harness;
        }

        public string Describe() => $"phase: {_phase}, active sessions: {_server.ActiveSessions}";

        public async Task RunAsync(byte[] input, CancellationToken cancellationToken)
        {
            _phase = "resetting the filesystem";
            var fileSystem = _fileSystems.Current = await CreateFileSystemAsync();
            var readOnly = await SnapshotReadOnlyTreesAsync(fileSystem);
            lock (_dataTasks)
            {
                _dataTasks.Clear();
            }

            DataProtected = false;
            _phase = "connecting";
            var client = new ControlEnd(_listener.Connect());
            await using var connection = new Connection(this, client, input);
            await connection.RunAsync(Split(input), cancellationToken);

            _phase = "waiting for the data connections to close";
            Task[] data;
            lock (_dataTasks)
            {
                data = [.. _dataTasks];
            }

            await Task.WhenAll(data).WaitAsync(cancellationToken);

            _phase = "waiting for the server to end the session";
            var spins = 0;
            while (_server.ActiveSessions > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (++spins < 100)
                {
                    Thread.Yield();
                }
                else
                {
                    await Task.Delay(1, cancellationToken);
                }
            }

            _phase = "checking the filesystem";
            await CheckNoPartialUploadsAsync(fileSystem, "/", input);
            var after = await SnapshotReadOnlyTreesAsync(fileSystem);
            if (readOnly.Except(after).Any() || after.Except(readOnly).Any(e => !e.StartsWith("/pub/incoming/", StringComparison.Ordinal)))
            {
                Fail("a read-only user changed the filesystem: "
                     + string.Join(", ", after.Except(readOnly).Select(e => "+" + e).Concat(readOnly.Except(after).Select(e => "-" + e))), input);
            }
            _phase = "done";
        }

        /// <summary>
        /// What only read-only users can reach: bob's home (bob has Read only) and the anonymous root (anonymous has
        /// ReadOnly). No command may change them (names, sizes, contents and times), but for new files in the upload
        /// folder, where what exists may not be overwritten either.
        /// </summary>
        private static async Task<List<string>> SnapshotReadOnlyTreesAsync(InMemoryFileSystem fileSystem)
        {
            var entries = new List<string>();
            await SnapshotAsync(fileSystem, "/home/bob", entries);
            await SnapshotAsync(fileSystem, "/pub", entries);
            return entries;
        }

        private static async Task SnapshotAsync(InMemoryFileSystem fileSystem, string directory, List<string> entries)
        {
            await foreach (var entry in fileSystem.ListAsync(directory, CancellationToken.None))
            {
                var path = directory + "/" + entry.Name;
                var content = "";
                if (!entry.IsDirectory)
                {
                    await using var stream = await fileSystem.OpenReadAsync(path, 0, CancellationToken.None);
                    using var memory = new MemoryStream();
                    await stream.CopyToAsync(memory);
                    content = Convert.ToHexString(SHA256.HashData(memory.ToArray()))[..16];
                }

                entries.Add($"{path} {(entry.IsDirectory ? "dir" : entry.Length)} {entry.LastWriteTime:O} {content}");
                if (entry.IsDirectory)
                {
                    await SnapshotAsync(fileSystem, path, entries);
                }
            }
        }

        /// <summary>An upload writes beside its target and renames at the end (atomic uploads): none may be left over.</summary>
        private static async Task CheckNoPartialUploadsAsync(InMemoryFileSystem fileSystem, string directory, byte[] input)
        {
            await foreach (var entry in fileSystem.ListAsync(directory, CancellationToken.None))
            {
                var path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                if (PartialUpload().IsMatch(entry.Name))
                {
                    Fail($"the session ended and left the partial upload {path}", input);
                }

                if (entry.IsDirectory)
                {
                    await CheckNoPartialUploadsAsync(fileSystem, path, input);
                }
            }
        }

        /// <summary>Connects the data connection a 227 or 229 reply announced.</summary>
        public void ConnectData(int port)
        {
            var task = Task.Run(async () =>
            {
                Socket data;
                try
                {
                    data = await FtpWireClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), null, TimeLimit);
                }
                catch (SocketException)
                {
                    return; // A later PASV closed that listener already.
                }

                using (data)
                {
                    await ExchangeDataAsync(data, DataProtected);
                }
            });
            lock (_dataTasks)
            {
                _dataTasks.Add(task);
            }
        }

        /// <summary>Whether the replies so far made data connections protected (PROT P, AUTH SSL): then they start with TLS.</summary>
        public bool DataProtected { get; set; }

        /// <summary>
        /// Plays the client's side of a data connection: a TLS handshake when <paramref name="protect"/>, then sends a
        /// little (uploads read it) and reads to the end. The client may guess the protection wrong (PROT after PASV):
        /// the server answers that with 425, which the reply checks see; the connection's own errors are not checked.
        /// </summary>
        private static async Task ExchangeDataAsync(Socket data, bool protect)
        {
            Stream stream = new NetworkStream(data, ownsSocket: false);
            try
            {
                if (protect)
                {
                    stream = await FtpWireClient.ClientTlsAsync(stream, Timeout.InfiniteTimeSpan);
                }

                await stream.WriteAsync(DataPayload);
                data.Shutdown(SocketShutdown.Send);
                await FtpWireClient.DrainAsync(stream, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // The server reset it (a download it did not read from, an aborted transfer, a refused handshake).
                if (Verbose)
                {
                    Console.WriteLine($"  (data connection: {ex.GetType().Name}: {ex.Message})");
                }
            }
            finally
            {
                await stream.DisposeAsync();
            }
        }

        private async Task AcceptActiveAsync(FtpActiveListener listener)
        {
            listener.Timeout = Timeout.InfiniteTimeSpan;
            while (true)
            {
                var data = await listener.AcceptAsync();
                var task = Task.Run(async () =>
                {
                    using (data)
                    {
                        await ExchangeDataAsync(data, DataProtected);
                    }
                });
                lock (_dataTasks)
                {
                    _dataTasks.Add(task);
                }
            }
        }

        private static async Task<InMemoryFileSystem> CreateFileSystemAsync()
        {
            var fs = new InMemoryFileSystem();
            var none = CancellationToken.None;
            foreach (var directory in new[] { "/pub", "/pub/incoming", "/pub/docs", "/home", "/home/alice", "/home/alice/dir", "/home/alice/dir/sub", "/home/bob", "/home/alice/ünïcødé" })
            {
                await fs.CreateDirectoryAsync(directory, none);
            }

            foreach (var (path, content) in new[]
                     {
                         ("/pub/readme.txt", "Hello\r\nworld\n"), ("/pub/docs/a.txt", "a"), ("/home/alice/file.txt", "0123456789"),
                         ("/home/alice/dir/nested.bin", "\0\x01\x02\r\n\xFF"), ("/home/alice/ünïcødé/文件.txt", "utf-8"),
                         ("/home/alice/empty", ""), ("/home/bob/bob.txt", "bob"), ("/pub/incoming/dropped.txt", "dropped"),
                     })
            {
                await using var stream = await fs.OpenWriteAsync(path, FtpWriteMode.Create, 0, none);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(content), none);
            }

            return fs;
        }

        private static X509Certificate2 CreateCertificate() => Ftp.Embedded.Samples.Server.SelfSignedCertificate.Create();

        private static string QuickHash(string password)
        {
            var salt = new byte[16];
            var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 1, HashAlgorithmName.SHA256, 32);
            return $"PBKDF2-SHA256$1${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
        }
    }

    /// <summary>
    /// One control connection: sends the input through the wire client, reads and checks every reply line from the
    /// client's stream with the reply checker (not with the client's reader, which would stop at the first bad line).
    /// </summary>
    private sealed class Connection : IAsyncDisposable
    {
        private readonly Harness _harness;
        private readonly ControlEnd _client;
        private readonly byte[] _input;
        private readonly ReplyChecker _checker;
        private Task<ReaderEnd>? _reader;
        private int _sentLines;

        public Connection(Harness harness, ControlEnd client, byte[] input)
        {
            _harness = harness;
            _client = client;
            _input = input;
            _checker = new ReplyChecker(input, OnReply);
        }

        /// <summary>
        /// Stops the reader before the stream goes: disposing an SslStream while a read is still inside OpenSSL
        /// crashes the process natively (a segfault in libssl), which would look like a finding.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            _client.Close();
            if (_reader is { } reader)
            {
                try
                {
                    await reader.WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
                {
                }
            }

            await _client.DisposeAsync();
        }

        public async Task RunAsync(List<byte[]> chunks, CancellationToken cancellationToken)
        {
            var reader = _reader = _checker.StartReading(_client.Stream, cancellationToken);
            await _checker.WaitForLinesAsync(1, reader, Timeout.InfiniteTimeSpan, cancellationToken); // The greeting.
            for (var i = 0; i < chunks.Count && !reader.IsCompleted; i++)
            {
                try
                {
                    await _client.SendRawAsync(chunks[i], cancellationToken);
                    _sentLines += chunks[i].AsSpan().Count((byte)'\n');
                }
                catch (IOException)
                {
                    break; // The server closed the connection (QUIT, line too long…): read what it said.
                }

                if (i == chunks.Count - 1)
                {
                    break;
                }

                await _checker.WaitForLinesAsync(_checker.Lines + 1, reader, ReplyWait, cancellationToken);
                if (reader.IsCompleted && reader.Result == ReaderEnd.TlsRequested)
                {
                    if (await _client.TryUpgradeToTlsAsync(cancellationToken))
                    {
                        reader = _reader = _checker.StartReading(_client.Stream, cancellationToken);
                    }
                    else
                    {
                        break;
                    }
                }
            }

            // Half-close: the server sees the end of the input and must answer everything, then close. Under TLS no
            // close_notify is sent: SslStream.ShutdownAsync would run inside OpenSSL beside the reader's read of the same
            // connection (OpenSSL connections are not thread-safe), and it fails anyway while TLS 1.3 post-handshake
            // messages are unread ("shutdown while in init"). The server sees the end of the stream all the same.
            _client.ShutdownSend();

            while (true)
            {
                var end = await reader.WaitAsync(cancellationToken);
                if (end != ReaderEnd.TlsRequested)
                {
                    break;
                }

                // 234 after the input ended: no handshake can follow, the server must give up on it and close.
                reader = _reader = _checker.StartReading(_client.Stream, cancellationToken);
            }

            _checker.CheckEnd(_sentLines);
        }

        private void OnReply(string line)
        {
            if (Verbose)
            {
                Console.WriteLine("< " + line);
            }

            // The data connection's protection, as the client learns it from the replies (RFC 4217 sections 8 and 9).
            if (line.StartsWith("234 AUTH SSL ", StringComparison.Ordinal) || line.StartsWith("234 AUTH TLS-P ", StringComparison.Ordinal))
            {
                _harness.DataProtected = true;
            }
            else if (line.StartsWith("234 ", StringComparison.Ordinal))
            {
                _harness.DataProtected = false;
            }
            else if (line.StartsWith("200 Protection level set to ", StringComparison.Ordinal))
            {
                _harness.DataProtected = line.Contains("Private", StringComparison.Ordinal);
            }

            // 227 and 229 answer PASV and EPSV only: each must name a data port, and 227 the control connection's address.
            if (line.StartsWith("227 ", StringComparison.Ordinal))
            {
                if (!FtpWireParser.TryParsePasv(line, out var address, out var port))
                {
                    Fail($"227 names no address and port: {line}", _input);
                }
                else if (!address.Equals(IPAddress.Loopback))
                {
                    Fail($"227 announces {address}, not the control connection's address: {line}", _input);
                }

                _harness.ConnectData(port);
            }
            else if (line.StartsWith("229 ", StringComparison.Ordinal))
            {
                if (!FtpWireParser.TryParseEpsv(line, out var port))
                {
                    Fail($"229 names no port: {line}", _input);
                }

                _harness.ConnectData(port);
            }
        }
    }

    /// <summary>
    /// The client's end of the in-memory control connection: the plain stream, and TLS over it after a 234. A refused
    /// or dropped handshake leaves the plain stream in use (what is left of it), as over a socket.
    /// </summary>
    private sealed class ControlEnd(Stream plain) : IAsyncDisposable
    {
        private Stream? _tls;

        public Stream Stream => _tls ?? plain;

        public Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken) => Stream.WriteAsync(bytes, cancellationToken).AsTask();

        public async Task<bool> TryUpgradeToTlsAsync(CancellationToken cancellationToken)
        {
            var ssl = new SslStream(plain, leaveInnerStreamOpen: true, static (_, certificate, _, _) => certificate?.Subject == "CN=localhost");
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
                _tls = ssl;
                return true;
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
                await ssl.DisposeAsync();
                return false;
            }
        }

        /// <summary>Half-closes: the server reads the end of the input, the client can still read.</summary>
        public void ShutdownSend() => ((DuplexPipeStream)plain).CompleteOutput();

        /// <summary>A graceful close: the end of the input; the server then closes its side, which ends the reader.</summary>
        public void Close() => ShutdownSend();

        public async ValueTask DisposeAsync()
        {
            if (_tls is not null)
            {
                await _tls.DisposeAsync();
            }

            await plain.DisposeAsync();
        }
    }
}
