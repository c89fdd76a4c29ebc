using System.IO.Pipelines;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// Writes the session's replies: one at a time (the command loop and the transfer both reply), each flushed at once and
/// timed so the heartbeat can cut a client that never reads. Remembers the last reply of the command being executed for
/// the commands metric.
/// </summary>
#pragma warning disable CA1001 // The lock is only awaited (WaitAsync/Wait(0)): it never allocates a wait handle to release.
internal sealed class ReplyChannel(TimeProvider time, CancellationTokenSource aborted)
#pragma warning restore CA1001
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private PipeWriter? _writer;
    private long _flushStartedAt;
    private int _lastCommandReply;

    /// <summary>The last reply the current command wrote; 0 when none yet.</summary>
    public int LastCommandReply => _lastCommandReply;

    /// <summary>When the flush in progress started (a timestamp), or 0 when none is waiting on the client.</summary>
    public long FlushStartedAt => Volatile.Read(ref _flushStartedAt);

    /// <summary>Writes into <paramref name="writer"/> from now on (the pipes are rebuilt after AUTH TLS).</summary>
    public void Attach(PipeWriter writer) => _writer = writer;

    public void BeginCommand() => _lastCommandReply = 0;

    /// <summary>
    /// Writes and flushes one reply. Only the command loop's replies (<paramref name="ofCommand"/>) count as the reply of
    /// the command being executed; the transfer's do not.
    /// </summary>
    public async ValueTask WriteAsync(FtpReplyCode code, string text, bool ofCommand)
    {
        await _lock.WaitAsync(aborted.Token).ConfigureAwait(false);
        try
        {
            if (ofCommand)
            {
                _lastCommandReply = (int)code;
            }

            ReplyWriter.Write(_writer!, (int)code, text);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask WriteMultilineAsync(FtpReplyCode code, string first, IEnumerable<string> lines, string last)
    {
        await _lock.WaitAsync(aborted.Token).ConfigureAwait(false);
        try
        {
            _lastCommandReply = (int)code;
            ReplyWriter.WriteMultiline(_writer!, (int)code, first, lines, last);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A multi-line reply whose inner lines <paramref name="writeLines"/> writes straight into the output.</summary>
    public async ValueTask WriteStreamingAsync(FtpReplyCode code, string first, Func<PipeWriter, CancellationToken, ValueTask> writeLines, string last)
    {
        await _lock.WaitAsync(aborted.Token).ConfigureAwait(false);
        try
        {
            _lastCommandReply = (int)code;
            ReplyWriter.WriteLine(_writer!, (int)code, '-', first);
            await writeLines(_writer!, aborted.Token).ConfigureAwait(false);
            ReplyWriter.WriteLine(_writer!, (int)code, ' ', last);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>After an abort: a last 421 if the connection can take it at once, without waiting on anything.</summary>
    public async ValueTask TryWriteFinalAsync(string reason)
    {
        if (_writer is null || !_lock.Wait(0))
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
            _lock.Release();
        }
    }

    /// <summary>Completes the writer (at the AUTH TLS switch and at the end of the session).</summary>
    public ValueTask CompleteAsync() => _writer?.CompleteAsync() ?? ValueTask.CompletedTask;

    /// <summary>Flushes the reply, timing it so the heartbeat can cut a client that never reads.</summary>
    private async ValueTask FlushAsync()
    {
        var flush = _writer!.FlushAsync(aborted.Token);
        if (flush.IsCompletedSuccessfully)
        {
            return;
        }

        Volatile.Write(ref _flushStartedAt, time.GetTimestamp());
        try
        {
            await flush.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _flushStartedAt, 0);
        }
    }
}
