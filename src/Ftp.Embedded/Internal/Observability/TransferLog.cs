using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>One line of the transfer log: what the session knows when a file transfer ends.</summary>
internal readonly record struct TransferLogEntry(
    DateTimeOffset Time,
    TimeSpan Duration,
    IPAddress RemoteAddress,
    long Bytes,
    string Path,
    bool Binary,
    FtpTransferDirection Direction,
    bool Anonymous,
    string UserName,
    bool Completed);

/// <summary>
/// The <see cref="FtpServerOptions.TransferLogPath"/> file in the xferlog format of wu-ftpd and vsftpd. Sessions hand
/// entries to a bounded channel and never wait: when the writer falls behind, entries are dropped, counted and logged.
/// The writer formats them, appends them in batches (the file is opened per batch, so a log rotated by renaming is
/// followed at once) and drains the channel when the server stops.
/// </summary>
internal sealed class TransferLog
{
    public const int DefaultCapacity = 4096;
    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Channel<TransferLogEntry> _channel;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _droppedReported;
    private volatile bool _closing;

    private TransferLog(string path, ILogger logger, int capacity)
    {
        Path = path;
        _logger = logger;
        _channel = Channel.CreateBounded<TransferLogEntry>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse at once when full, which is a drop
            SingleReader = true,
            SingleWriter = false,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }

    /// <summary>Entries dropped because the channel was full or the file could not be written.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Opens (creates) the file once, so a path that cannot be written fails the start, then starts the writer.</summary>
    public static TransferLog Open(string path, ILogger logger, int capacity = DefaultCapacity)
    {
        using (OpenFile(path))
        {
        }

        return new TransferLog(path, logger, capacity);
    }

    /// <summary>Queues an entry without waiting; false when it was dropped (or the log is closed).</summary>
    public bool TryWrite(in TransferLogEntry entry)
    {
        if (_channel.Writer.TryWrite(entry))
        {
            return true;
        }

        if (!_channel.Reader.Completion.IsCompleted && !_closing)
        {
            Interlocked.Increment(ref _dropped);
        }

        return false;
    }

    /// <summary>Stops taking entries, writes those queued, and waits for the writer (at most <paramref name="timeout"/>).</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        _channel.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        ReportDrops();
    }

    /// <summary>The xferlog line of <paramref name="entry"/>, without the line feed.</summary>
    public static string Format(in TransferLogEntry entry)
    {
        var line = new StringBuilder(160);
        Append(line, entry);
        return line.ToString();
    }

    /// <summary>
    /// <c>current-time transfer-time remote-host file-size filename transfer-type special-action-flag direction
    /// access-mode username service-name authentication-method authenticated-user-id completion-status</c>, as xferlog(5)
    /// and vsftpd write it: the time as <c>Thu Mar  4 08:12:30 2004</c> (the day padded with a space), whole seconds (at
    /// least 1), spaces in names replaced by <c>_</c> and control characters by <c>?</c>.
    /// </summary>
    public static void Append(StringBuilder line, in TransferLogEntry entry)
    {
        var t = entry.Time;
        var invariant = CultureInfo.InvariantCulture;
        line.Append(Days[(int)t.DayOfWeek]).Append(' ').Append(Months[t.Month - 1]).Append(' ');
        if (t.Day < 10)
        {
            line.Append(' ');
        }

        line.Append(invariant, $"{t.Day} {t.Hour:00}:{t.Minute:00}:{t.Second:00} {t.Year} ");
        line.Append(invariant, $"{Math.Max(1, (long)entry.Duration.TotalSeconds)} {entry.RemoteAddress} {entry.Bytes} ");
        AppendField(line, entry.Path);
        line.Append(entry.Binary ? " b _ " : " a _ ");
        line.Append(entry.Direction == FtpTransferDirection.Upload ? 'i' : 'o');
        line.Append(entry.Anonymous ? " a " : " r ");
        AppendField(line, entry.UserName);
        line.Append(" ftp 0 * ");
        line.Append(entry.Completed ? 'c' : 'i');
    }

    private static void AppendField(StringBuilder line, string value)
    {
        if (value.Length == 0)
        {
            line.Append('-');
            return;
        }

        foreach (var c in value)
        {
            line.Append(c == ' ' ? '_' : char.IsControl(c) ? '?' : c);
        }
    }

    private static FileStream OpenFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite | FileShare.Delete,
    });

    private async Task WriteLoopAsync()
    {
        var reader = _channel.Reader;
        var text = new StringBuilder(4096);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var count = 0;
            text.Clear();
            while (count < 1024 && reader.TryRead(out var entry))
            {
                Append(text, entry);
                text.Append('\n');
                count++;
            }

            try
            {
                var bytes = Utf8.GetBytes(text.ToString());
                await using var file = OpenFile(Path);
                await file.WriteAsync(bytes).ConfigureAwait(false);
                await file.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Add(ref _dropped, count);
                FtpLog.TransferLogFailed(_logger, Path, ex);
            }

            ReportDrops();
        }
    }

    private void ReportDrops()
    {
        var dropped = Interlocked.Read(ref _dropped);
        var reported = Interlocked.Exchange(ref _droppedReported, dropped);
        if (dropped > reported)
        {
            FtpLog.TransferLogDropped(_logger, Path, dropped - reported);
        }
    }
}
