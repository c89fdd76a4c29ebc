using System.Diagnostics;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Session;

/// <summary>Why a transfer was cut.</summary>
internal enum TransferCancelReason
{
    None,
    Abort,
    ConnectTimeout,
    StallTimeout,
    Shutdown,
    SessionClosed,
    QuotaExceeded,
}

/// <summary>The one running transfer of a session: its cancellation, deadline and progress.</summary>
internal sealed class Transfer : ITransferProgress, IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _token;
    private readonly TimeProvider _time;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _stallTimeout;
    private long _deadline = long.MaxValue;
    private long _bytes;
    private volatile bool _connecting = true;
    private int _reason;

    public Transfer(ServerContext context, string description, CancellationToken sessionAborted)
    {
        SessionAborted = sessionAborted;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(SessionAborted);
        _token = _cts.Token;
        _time = context.TimeProvider;
        _connectTimeout = context.Options.Limits.DataConnectTimeout;
        _stallTimeout = context.Options.Limits.DataStallTimeout;
        Description = description;
        StartedAt = _time.GetTimestamp();
    }

    public string Description { get; }

    /// <summary>The verb of the command that started the transfer, as the commands metric tags it.</summary>
    public string Verb { get; init; } = "";

    /// <summary>Whether the transfer runs in TYPE I (for the transfer log).</summary>
    public bool Binary { get; init; }

    /// <summary>The zlib level of a MODE Z transfer; <see langword="null"/> in MODE S.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>The <c>ftp.transfer</c> activity of a file transfer, when one is recorded.</summary>
    public Activity? Activity { get; set; }

    public long StartedAt { get; }

    /// <summary>Cancelled when the transfer is cut; still readable after <see cref="Dispose"/>, for a body that outlived it.</summary>
    public CancellationToken Token => _token;

    public Task Task { get; set; } = Task.CompletedTask;

    /// <summary>Cancelled when the whole session is cut (no reply can be given any more).</summary>
    public CancellationToken SessionAborted { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public TransferCancelReason Reason => (TransferCancelReason)Volatile.Read(ref _reason);

    public void ArmConnect()
    {
        _connecting = true;
        Volatile.Write(ref _deadline, _time.GetTimestamp() + ToTicks(_connectTimeout));
    }

    public void ArmStall()
    {
        _connecting = false;
        Volatile.Write(ref _deadline, _time.GetTimestamp() + ToTicks(_stallTimeout));
    }

    /// <summary>Counts bytes moved and pushes the stall deadline out.</summary>
    public void Progress(int bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Volatile.Write(ref _deadline, _time.GetTimestamp() + ToTicks(_stallTimeout));
    }

    /// <summary>The most bytes an upload may write (the user's quota); <see cref="long.MaxValue"/> for none.</summary>
    public long Limit { get; set; } = long.MaxValue;

    /// <summary>The rate limits of a file transfer; <see langword="null"/> for none (and for listings).</summary>
    public TransferThrottle? Throttle { get; init; }

    /// <summary>Called before <paramref name="count"/> more bytes are written: cuts the transfer if they would pass <see cref="Limit"/>.</summary>
    public void Reserve(int count)
    {
        if (Limit != long.MaxValue && Bytes + count > Limit)
        {
            Cancel(TransferCancelReason.QuotaExceeded);
            throw new OperationCanceledException("The upload would exceed the quota.", Token);
        }
    }

    public void CheckDeadline(long now)
    {
        if (now > Volatile.Read(ref _deadline))
        {
            Cancel(_connecting ? TransferCancelReason.ConnectTimeout : TransferCancelReason.StallTimeout);
        }
    }

    public void Cancel(TransferCancelReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)TransferCancelReason.None);
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _cts.Dispose();

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
