using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Commands;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Tls;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Session;

/// <summary>One control connection: reads command lines, dispatches them, writes replies. One transfer at a time.</summary>
#pragma warning disable CA1001 // Disposed at the end of RunAsync, which owns the session's lifetime.
internal sealed partial class FtpSession
#pragma warning restore CA1001
{
    private readonly FtpConnection _connection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _aborted = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedAt;
    private PipeReader _reader = null!;
    private PipeWriter _writer = null!;
    private long _lastActivity;
    private volatile string? _closeReason;
    private volatile bool _executing;
    private volatile bool _silentAbort;
    private long _flushStartedAt;

    // Telemetry: the session's activity, and what the end-of-session log line reports.
    private Activity? _activity;
    private bool _countedActive;
    private long _commandCount;
    private long _bytesUploaded;
    private long _bytesDownloaded;
    private string? _lastUserName;

    // The command being executed: its verb as tagged in metrics, the last reply it wrote (0: none yet), and whether it
    // started a transfer, which then counts the command with its own final reply.
    private string _commandVerb = "";
    private int _lastReplyCode;
    private bool _commandHandedToTransfer;

    /// <summary>A session over <paramref name="connection"/>, which connection middleware has admitted (and secured, for implicit FTPS).</summary>
    public FtpSession(ServerContext context, FtpConnection connection)
    {
        Context = context;
        _connection = connection;
        Info = new FtpSessionInfo(connection.Id, connection.RemoteEndPoint, connection.LocalEndPoint);
        _startedAt = _lastActivity = context.TimeProvider.GetTimestamp();
    }

    public ServerContext Context { get; }

    public FtpSessionInfo Info { get; }

    public Task Completion => _completion.Task;

    public SessionPhase Phase { get; set; } = SessionPhase.AwaitingUser;

    public TransferSettings Settings { get; set; } = TransferSettings.Default;

    /// <summary>What the previous command left for this one; reset before every command.</summary>
    public Pending Pending { get; set; } = Pending.None;

    public string CurrentDirectory { get; set; } = VirtualPath.Root;

    public string? PendingUserName { get; set; }

    public int FailedLogins { get; set; }

    public FtpUser? User { get; private set; }

    public IFtpFileSystem? FileSystem { get; private set; }

    /// <summary>The data connection PASV/EPSV/PORT/EPRT prepared, consumed by the next transfer.</summary>
    public DataChannel? PreparedData { get; private set; }

    public Transfer? CurrentTransfer { get; private set; }

    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Whether the control connection is encrypted (AUTH TLS or implicit FTPS).</summary>
    public bool IsSecure => _connection.IsSecure;

    /// <summary>Whether PBSZ was given after TLS was set up (RFC 4217 section 8).</summary>
    public bool ProtectionBufferSizeSet { get; set; }

    /// <summary>Whether data connections are encrypted (PROT P).</summary>
    public bool DataProtected { get; set; }

    public bool IsTransferRunning => CurrentTransfer is { Task.IsCompleted: false };

    public void SetUser(FtpUser? user, IFtpFileSystem? fileSystem)
    {
        User = user;
        FileSystem = fileSystem;
        Info.User = user;
        CurrentDirectory = VirtualPath.Root;
        if (user is not null)
        {
            _lastUserName = user.Name;
            _activity?.SetTag("ftp.user", user.Name);
        }
    }

    public void SetPreparedData(DataChannel? channel)
    {
        PreparedData?.Dispose();
        PreparedData = channel;
    }

    public DataChannel? TakePreparedData()
    {
        var channel = PreparedData;
        PreparedData = null;
        return channel;
    }

    public async Task RunAsync()
    {
        var events = Context.Events;
        // Started here, in the session's own flow: Activity.Current is set for the commands and transfers of this
        // session and is restored for the accept loop when this method first yields.
        _activity = FtpActivities.StartSession(Info);
        try
        {
            // Clients send Telnet Synch (IAC DM) as urgent data before ABOR; keep it in the stream so it is stripped with the rest.
            _connection.EnableOutOfBandInline();
            if (_connection.IsSecure)
            {
                // Implicit FTPS (the handshake ran before the session): data connections protected unless PROT C.
                ProtectionBufferSizeSet = DataProtected = true;
            }

            CreatePipes();
            _countedActive = Context.Metrics.SessionStarted();
            FtpLog.SessionStarted(Context.Logger, Info.Id, Info.RemoteEndPoint);
            events.RaiseSessionStarted(new FtpSessionEventArgs(Info));
            await ReplyAsync(FtpReplyCode.ServiceReady, Context.Options.Greeting).ConfigureAwait(false);
            await CommandLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, failed the TLS handshake, or the session was aborted.
            if (_aborted.IsCancellationRequested && !_silentAbort && _closeReason is { } reason)
            {
                await TryFinalReplyAsync(reason).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            FtpLog.SessionFailed(Context.Logger, Info.Id, ex);
            _activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _activity?.AddException(ex);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
            var duration = Context.TimeProvider.GetElapsedTime(_startedAt);
            Context.Metrics.SessionEnded(_countedActive, duration);
            FtpLog.SessionEnded(Context.Logger, Info.Id, duration, _lastUserName, _commandCount,
                Interlocked.Read(ref _bytesUploaded), Interlocked.Read(ref _bytesDownloaded));
            events.RaiseSessionEnded(new FtpSessionEventArgs(Info));
            _activity?.Dispose();
            _completion.TrySetResult();
        }
    }

    /// <summary>After an abort: a last 421 if the connection can take it at once, without waiting on anything.</summary>
    private async ValueTask TryFinalReplyAsync(string reason)
    {
        if (_writer is null || !_writeLock.Wait(0))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            ReplyWriter.Write(_writer, (int)FtpReplyCode.ServiceNotAvailable, reason);
            await _writer.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task CommandLoopAsync()
    {
        var maxLine = Context.Options.Limits.MaxLineLength;
        while (true)
        {
            var result = await _reader.ReadAsync(_aborted.Token).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                if (_closeReason is { } reason)
                {
                    await ReplyAsync(FtpReplyCode.ServiceNotAvailable, reason).ConfigureAwait(false);
                    return;
                }

                continue;
            }

            var buffer = result.Buffer;
            var status = CommandParser.TryParse(ref buffer, maxLine, out var request);
            switch (status)
            {
                case ParseStatus.Incomplete:
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        return;
                    }

                    continue;
                case ParseStatus.LineTooLong:
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    await ReplyAsync(FtpReplyCode.SyntaxError, $"Command line too long (the limit is {maxLine} bytes); closing.").ConfigureAwait(false);
                    return;
                case ParseStatus.InvalidUtf8:
                    _reader.AdvanceTo(buffer.Start);
                    Touch();
                    await ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "Command is not valid UTF-8.").ConfigureAwait(false);
                    continue;
                default:
                    _reader.AdvanceTo(buffer.Start);
                    break;
            }

            await ExecuteAsync(request).ConfigureAwait(false);
            if (Phase == SessionPhase.Closing)
            {
                return;
            }

            if (_closeReason is { } closing && !IsTransferRunning)
            {
                await ReplyAsync(FtpReplyCode.ServiceNotAvailable, closing).ConfigureAwait(false);
                return;
            }
        }
    }

    private async ValueTask ExecuteAsync(FtpRequest request)
    {
        Touch();
        _executing = true;
        _commandCount++;
        _lastReplyCode = 0;
        _commandHandedToTransfer = false;
        var command = CommandTable.Find(request.Verb);
        // Verbs outside the known set are client text: one tag value for all of them keeps the metric's cardinality bounded.
        _commandVerb = command is not null || FtpVerbs.All.Contains(request.Verb) ? request.Verb : "_OTHER";
        try
        {
            FtpLog.Command(Context.Logger, Info.Id, request.Verb, request.Verb == "PASS" ? "****" : request.Argument);
            if (command is null)
            {
                if (FtpVerbs.All.Contains(request.Verb))
                {
                    await ReplyAsync(FtpReplyCode.NotImplemented, $"{request.Verb} not implemented.").ConfigureAwait(false);
                }
                else
                {
                    await ReplyAsync(FtpReplyCode.SyntaxError, $"'{request.Verb}': command not understood.").ConfigureAwait(false);
                }

                return;
            }

            if (CurrentTransfer is { } transfer && !transfer.Task.IsCompleted && !command.Flags.HasFlag(CommandFlags.DuringTransfer))
            {
                await transfer.Task.ConfigureAwait(false);
            }

            if (command.Flags.HasFlag(CommandFlags.NeedsLogin) && Phase != SessionPhase.LoggedIn)
            {
                await ReplyAsync(FtpReplyCode.NotLoggedIn, "Please log in with USER and PASS first.").ConfigureAwait(false);
                Pending = Pending.None;
                return;
            }

            // One-shot state: RNFR lasts one command; REST lasts until the transfer, across data-setup commands
            // (clients send PASV or TYPE between REST and RETR).
            var pending = Pending;
            Pending = command.Flags.HasFlag(CommandFlags.KeepsRestart) && pending.RestartOffset != 0
                ? Pending.None with { RestartOffset = pending.RestartOffset }
                : Pending.None;

            try
            {
                await command.Handler(this, request, pending).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_aborted.IsCancellationRequested && ex is not (SocketException or ObjectDisposedException))
            {
                var (code, message) = FtpErrors.Map(ex);
                if (code == FtpReplyCode.LocalError)
                {
                    FtpLog.ProviderFailed(Context.Logger, Info.Id, request.Verb, ex);
                }

                await ReplyAsync(code, message).ConfigureAwait(false);
            }
        }
        finally
        {
            _executing = false;
            Touch();
            if (!_commandHandedToTransfer)
            {
                Context.Metrics.Command(_commandVerb, _lastReplyCode);
            }
        }
    }

    /// <summary>
    /// AUTH TLS (RFC 4217 section 4): the 234 reply has been sent. Bytes the client sent after the AUTH line, before the
    /// handshake, are an attempt to smuggle commands into the encrypted session: the connection is closed. Otherwise the
    /// handshake runs and the pipes are rebuilt over the TLS stream.
    /// </summary>
    public async ValueTask<bool> UpgradeToTlsAsync()
    {
        if (_reader.TryRead(out var pending))
        {
            var smuggled = !pending.Buffer.IsEmpty;
            _reader.AdvanceTo(pending.Buffer.Start);
            if (smuggled)
            {
                FtpLog.SessionClosed(Context.Logger, Info.Id, "bytes after AUTH before the TLS handshake");
                Phase = SessionPhase.Closing;
                return false;
            }
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            _connection.Stream = await AuthenticateAsync(_connection.Stream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            FtpLog.SessionClosed(Context.Logger, Info.Id, "TLS handshake failed");
            Phase = SessionPhase.Closing;
            CreatePipes();
            return false;
        }

        CreatePipes();
        _connection.IsSecure = true;
        return true;
    }

    /// <summary>Runs the server side of a TLS handshake over <paramref name="inner"/> within the handshake timeout.</summary>
    internal ValueTask<System.Net.Security.SslStream> AuthenticateAsync(Stream inner, bool dataConnection = false, CancellationToken cancellationToken = default)
        => TlsHandshake.AuthenticateAsync(Context, inner, dataConnection, _aborted.Token, cancellationToken);

    private void CreatePipes()
    {
        // Zero-byte reads: an idle session waits for data without holding a receive buffer.
        _reader = PipeReader.Create(_connection.Stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));
        _writer = PipeWriter.Create(_connection.Stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Context.TimeProvider.GetTimestamp());
}
