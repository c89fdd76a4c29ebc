using System.Text;
using Xunit.Sdk;

namespace Ftp.Embedded.Testing;

/// <summary>
/// Calls into a filesystem the way the engine does, and turns what goes wrong into a failure message that names the call
/// and says what the engine expects.
/// </summary>
internal static class Check
{
    private const int ChunkSize = 64 * 1024;
    private const long MaxReadBytes = 256L * 1024 * 1024;
    private const int MaxListEntries = 1_000_000;

    /// <summary>What the engine turns into a 4xx or 5xx reply with a meaningful text.</summary>
    public const string Refusals = "IOException (FileNotFoundException, DirectoryNotFoundException…), UnauthorizedAccessException or FtpException";

    public static XunitException Failure(string message, Exception? cause = null) => new(message, cause);

    public static string Q(string path) => "\"" + path + "\"";

    /// <summary>Runs a call that must succeed; any exception fails the check with the call's name.</summary>
    public static async Task<T> Step<T>(string call, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not XunitException and not OperationCanceledException)
        {
            throw Failure($"{call} must succeed here, but it threw {Describe(ex)}.", ex);
        }
    }

    /// <inheritdoc cref="Step{T}(string, Func{Task{T}})"/>
    public static Task Step(string call, Func<Task> action) => Step(call, async () =>
    {
        await action();
        return true;
    });

    /// <summary>Runs a call that must refuse with one of <see cref="Refusals"/> (or what <paramref name="accept"/> allows).</summary>
    public static async Task<Exception> RefusedAsync(string call, string why, Func<Task> action, Func<Exception, bool>? accept = null, string expected = Refusals)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not XunitException and not OperationCanceledException)
        {
            if ((accept ?? IsRefusal)(ex))
            {
                return ex;
            }

            throw Failure($"{call} must throw {expected} ({why}), but it threw {Describe(ex)}.", ex);
        }

        throw Failure($"{call} must throw {expected} ({why}), but it returned normally.");
    }

    /// <summary>Whether the engine answers <paramref name="exception"/> with a refusal that makes sense to the client.</summary>
    public static bool IsRefusal(Exception exception) => exception is IOException or UnauthorizedAccessException or FtpException;

    /// <summary>The exception's type and message, and the reply the engine sends for it.</summary>
    public static string Describe(Exception exception)
    {
        var reply = exception switch
        {
            FtpException ftp => $"{(int)ftp.ReplyCode} with its message",
            FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => "550",
            PathTooLongException => "553",
            IOException => "550 (452 when the disk is full)",
            ArgumentException => "553 \"File name not allowed\"",
            NotSupportedException => "502 \"Not supported by this filesystem\"",
            _ => "451 \"local error in processing\" and logs as a fault of the provider",
        };
        return $"{exception.GetType().Name} (\"{exception.Message}\"), which the engine answers with {reply}";
    }

    /// <summary>Writes as the engine does for an upload: the data in chunks, FlushAsync after the last byte, then DisposeAsync.</summary>
    public static async Task WriteAsync(IFtpFileSystem fs, string path, ReadOnlyMemory<byte> data, CancellationToken ct, FtpWriteMode mode = FtpWriteMode.Create, long offset = 0)
    {
        var call = $"OpenWriteAsync({Q(path)}, FtpWriteMode.{mode}, {offset})";
        var stream = await Step(call, () => fs.OpenWriteAsync(path, mode, offset, ct).AsTask()) ?? throw Failure($"{call} returned null; it must return a writable stream.");
        await using (stream)
        {
            await Step($"Writing {data.Length} bytes to the stream from {call}", () => WriteChunksAsync(stream, data, ct));
            await Step($"FlushAsync on the stream from {call} (the engine flushes after the last byte of a complete upload)", () => stream.FlushAsync(ct));
        }
    }

    public static Task WriteAsync(IFtpFileSystem fs, string path, string text, CancellationToken ct, FtpWriteMode mode = FtpWriteMode.Create, long offset = 0)
        => WriteAsync(fs, path, Encoding.UTF8.GetBytes(text), ct, mode, offset);

    public static async Task WriteChunksAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        for (var i = 0; i < data.Length; i += ChunkSize)
        {
            await stream.WriteAsync(data.Slice(i, Math.Min(ChunkSize, data.Length - i)), ct);
        }
    }

    /// <summary>Opens <paramref name="path"/> at <paramref name="offset"/> and reads it to the end.</summary>
    public static async Task<byte[]> ReadAsync(IFtpFileSystem fs, string path, CancellationToken ct, long offset = 0)
    {
        var call = $"OpenReadAsync({Q(path)}, {offset})";
        var stream = await Step(call, () => fs.OpenReadAsync(path, offset, ct).AsTask()) ?? throw Failure($"{call} returned null; it must return a readable stream.");
        await using (stream)
        {
            return await Step($"Reading the stream from {call} to its end", () => ReadToEndAsync(stream, call, ct));
        }
    }

    public static async Task<byte[]> ReadToEndAsync(Stream stream, string call, CancellationToken ct)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            memory.Write(buffer, 0, read);
            if (memory.Length > MaxReadBytes)
            {
                throw Failure($"The stream from {call} returned more than {MaxReadBytes / (1024 * 1024)} MiB without ending.");
            }
        }

        return memory.ToArray();
    }

    /// <summary>Lists <paramref name="path"/>, checking that every entry is a plain name the engine can put on a listing line.</summary>
    public static Task<List<FtpFileInfo>> ListAsync(IFtpFileSystem fs, string path, CancellationToken ct) => Step($"ListAsync({Q(path)})", async () =>
    {
        var entries = new List<FtpFileInfo>();
        await foreach (var entry in fs.ListAsync(path, ct))
        {
            if (entry is null)
            {
                throw Failure($"ListAsync({Q(path)}) yielded null; every entry must be an FtpFileInfo.");
            }

            if (entry.Name.Length == 0 || entry.Name.Contains('/', StringComparison.Ordinal) || entry.Name is "." or "..")
            {
                throw Failure($"ListAsync({Q(path)}) yielded an entry named {Q(entry.Name)}: names must be single path segments, without \"/\", and never \".\" or \"..\" (the engine writes them as they are into LIST, NLST and MLSD lines).");
            }

            entries.Add(entry);
            if (entries.Count > MaxListEntries)
            {
                throw Failure($"ListAsync({Q(path)}) yielded more than {MaxListEntries} entries without ending.");
            }
        }

        return entries;
    });

    public static async Task<FtpFileInfo?> InfoAsync(IFtpFileSystem fs, string path, CancellationToken ct)
        => await Step($"GetInfoAsync({Q(path)})", () => fs.GetInfoAsync(path, ct).AsTask());

    /// <summary>Fails unless <paramref name="actual"/> equals <paramref name="expected"/>, saying where they differ.</summary>
    public static void SameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        var at = expected.CommonPrefixLength(actual);
        throw Failure($"{what}: expected {Show(expected)}, got {Show(actual)} (they differ from byte {at} on).");
    }

    public static void SameText(string expected, byte[] actual, string what) => SameBytes(Encoding.UTF8.GetBytes(expected), actual, what);

    /// <summary>Short ASCII content as text, anything else as its length.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return $"{bytes.Length} bytes";
            }
        }

        return bytes.Length <= 64 ? $"\"{Encoding.ASCII.GetString(bytes)}\" ({bytes.Length} bytes)" : $"{bytes.Length} bytes";
    }

    /// <summary>Bytes that differ from one position to the next and from one <paramref name="seed"/> to another.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (i / 251) + (seed * 7));
        }

        return bytes;
    }

    /// <summary>Fails unless <paramref name="time"/> is within a minute of now.</summary>
    public static void Recent(DateTimeOffset time, string what)
    {
        var now = DateTimeOffset.UtcNow;
        if ((time - now).Duration() > TimeSpan.FromMinutes(1))
        {
            throw Failure($"{what} must be within a minute of now ({now:u}), but it is {time:yyyy-MM-dd HH:mm:ss zzz} ({time.UtcDateTime:u}): "
                          + "set LastWriteTime from the clock when the entry is written, as a DateTimeOffset with its real offset (MDTM, LIST and MLSD show it in UTC).");
        }
    }
}
