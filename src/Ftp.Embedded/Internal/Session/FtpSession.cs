using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// One control connection: reads command lines, dispatches them, writes replies. One transfer at a time. Handlers see
/// it only as an <see cref="ICommandContext"/>; the connection manager only starts, ticks and ends it.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "Disposed at the end of RunAsync, which owns the session's lifetime.")]
internal sealed partial class FtpSession : ICommandContext
{
    private readonly FtpConnection _connection;
    private readonly CancellationTokenSource _aborted = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReplyChannel _replies;
    private readonly SessionTimeouts _timeouts;
    private PipeReader? _reader;
    private volatile string? _closeReason;
    private volatile bool _silentAbort;
    private volatile bool _closing;

    // The state handlers read, replaced only by the transitions of ICommandContext.
    private LoginState _login = LoginState.Initial;
    private TlsState _tls = TlsState.Clear;
    private TransferSettings _settings = TransferSettings.Default;
    private Pending _pending = Pending.None; // what the previous command left for this one; reset before every command
    private DataChannel? _preparedData; // PASV/EPSV/PORT/EPRT's, consumed by the next transfer
    private Transfer? _transfer;

    // Telemetry: the session's activity, and what the end-of-session log line reports.
    private Activity? _activity;
    private bool _countedActive;
    private long _commandCount;
    private long _bytesUploaded;
    private long _bytesDownloaded;
    private string? _lastUserName;

    /// <summary>A session over <paramref name="connection"/>, which connection middleware has admitted (and secured, for implicit FTPS).</summary>
    public FtpSession(ServerContext context, FtpConnection connection)
    {
        Context = context;
        _connection = connection;
        Info = new FtpSessionInfo(connection.Id, connection.RemoteEndPoint, connection.LocalEndPoint) { ClientCertificate = connection.ClientCertificate };
        _replies = new ReplyChannel(context.TimeProvider, _aborted);
        _timeouts = new SessionTimeouts(context);
    }

    public ServerContext Context { get; }

    public FtpSessionInfo Info { get; }

    public Task Completion => _completion.Task;

    private CancellationToken Aborted => _aborted.Token;

    private bool IsTransferRunning => _transfer is { Task.IsCompleted: false };

    public async Task RunAsync()
    {
        // Started here, in the session's own flow: Activity.Current is set for the commands and transfers of this
        // session and is restored for the accept loop when this method first yields.
        _activity = FtpActivities.StartSession(Info);
        try
        {
            await StartAsync().ConfigureAwait(false);
            await CommandLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, failed the TLS handshake, or the session was aborted.
            if (_aborted.IsCancellationRequested && !_silentAbort && _closeReason is { } reason)
            {
                await _replies.TryWriteFinalAsync(reason).ConfigureAwait(false);
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
            if (!EndsInline())
            {
                await IoThread.LeaveAsync();
            }

            await CloseAsync().ConfigureAwait(false);
            Ended();
        }
    }

    /// <summary>Sets the connection up, counts and announces the session, and greets the client.</summary>
    private async ValueTask StartAsync()
    {
        // Clients send Telnet Synch (IAC DM) as urgent data before ABOR; keep it in the stream so it is stripped with the rest.
        _connection.EnableOutOfBandInline();
        if (_connection.IsSecure)
        {
            // Implicit FTPS (the handshake ran before the session): data connections protected unless PROT C.
            _tls = TlsState.Implicit;
        }

        CreatePipes();
        _countedActive = Context.Metrics.SessionStarted();
        FtpLog.SessionStarted(Context.Logger, Info.Id, Info.RemoteEndPoint);
        if (Context.Events.HasSessionStartedHandlers)
        {
            await IoThread.LeaveAsync(); // The application's handlers may block.
        }

        Context.Events.RaiseSessionStarted(new FtpSessionEventArgs(Info));
        await Reply(FtpReplyCode.ServiceReady, Context.Options.Greeting).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the end of the session may run on an event thread: when it raises no application event and disposes no
    /// filesystem (both may block), it only closes sockets and counts.
    /// </summary>
    private bool EndsInline()
        => !Context.Events.HasSessionEndedHandlers && _login.LoggedIn?.FileSystem is not (IAsyncDisposable or IDisposable);

    /// <summary>Counts, logs and announces the end of the session.</summary>
    private void Ended()
    {
        var duration = Context.TimeProvider.GetElapsedTime(_timeouts.StartedAt);
        Context.Metrics.SessionEnded(_countedActive, duration);
        FtpLog.SessionEnded(Context.Logger, Info.Id, duration, _lastUserName, _commandCount,
            Interlocked.Read(ref _bytesUploaded), Interlocked.Read(ref _bytesDownloaded));
        Context.Events.RaiseSessionEnded(new FtpSessionEventArgs(Info));
        _activity?.Dispose();
        _completion.TrySetResult();
    }

    /// <summary>Writes and flushes one reply of the command being executed.</summary>
    private ValueTask Reply(FtpReplyCode code, string text) => _replies.WriteAsync(code, text, ofCommand: true);

    private void CreatePipes()
    {
        // Zero-byte reads: an idle session waits for data without holding a receive buffer.
        _reader = PipeReader.Create(_connection.Stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));
        _replies.Attach(PipeWriter.Create(_connection.Stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));
    }
}
