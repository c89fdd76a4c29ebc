using System.Text;
using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private static readonly TimeSpan CancelledCallLimit = TimeSpan.FromSeconds(10);
    private static readonly int[] ReadOffsets = [0, 1, 500, 999, 1000];

    /// <summary>
    /// <c>OpenReadAsync</c> starts at its offset (REST + RETR): at 0, in the middle, exactly at the end (nothing to read)
    /// and past the end (nothing to read, or a refusal; never other bytes).
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Reads_start_at_the_offset() => RunAsync(async (fs, ct) =>
    {
        var content = Check.Pattern(1000, 3);
        await Check.WriteAsync(fs, "/r.bin", content, ct);
        foreach (var offset in ReadOffsets)
        {
            var read = await Check.ReadAsync(fs, "/r.bin", ct, offset);
            Check.SameBytes(content.AsSpan(offset), read, $"Reading \"/r.bin\" (1000 bytes) from offset {offset}");
        }

        try
        {
            await using var stream = await fs.OpenReadAsync("/r.bin", 1500, ct);
            var rest = await Check.ReadToEndAsync(stream, "OpenReadAsync(\"/r.bin\", 1500)", ct);
            Check.SameBytes([], rest, "Reading \"/r.bin\" (1000 bytes) from offset 1500, past its end, must return nothing (or OpenReadAsync may refuse)");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException and not OperationCanceledException && !Check.IsRefusal(ex) && ex is not ArgumentException)
        {
            throw Check.Failure($"OpenReadAsync(\"/r.bin\", 1500) past the end of a 1000-byte file must return an empty stream or refuse with {Check.Refusals}, but it threw {Check.Describe(ex)}.", ex);
        }
    });

    /// <summary><c>FtpWriteMode.Create</c> (STOR) truncates an existing file before writing.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Create_truncates_an_existing_file() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "0123456789", ct);
        await Check.WriteAsync(fs, "/f", "ab", ct);
        await ExpectFileAsync(fs, "/f", "ab", "after writing \"0123456789\" and then \"ab\" with FtpWriteMode.Create", ct);
        await Check.WriteAsync(fs, "/f", "", ct);
        await ExpectFileAsync(fs, "/f", "", "after FtpWriteMode.Create with no data (an empty upload makes an empty file)", ct);
    });

    /// <summary><c>FtpWriteMode.Append</c> (APPE) adds to the end of a file, and creates a file that does not exist.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Append_adds_to_the_end_and_creates_missing_files() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "ab", ct);
        await Check.WriteAsync(fs, "/f", "cd", ct, FtpWriteMode.Append);
        await ExpectFileAsync(fs, "/f", "abcd", "after appending \"cd\" to \"ab\"", ct);
        await Check.WriteAsync(fs, "/g", "new", ct, FtpWriteMode.Append);
        await ExpectFileAsync(fs, "/g", "new", "after FtpWriteMode.Append to a file that did not exist", ct);
        var large = Check.Pattern(200_000, 4);
        await Check.WriteAsync(fs, "/g", large, ct, FtpWriteMode.Append);
        await ExpectFileAsync(fs, "/g", [.. "new"u8, .. large], "after appending 200,000 bytes to \"new\"", ct);
    });

    /// <summary>
    /// <c>FtpWriteMode.WriteAt</c> (REST + STOR) keeps the bytes before the offset, writes from there and drops what
    /// followed; at the exact end it appends.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task WriteAt_keeps_the_bytes_before_the_offset_and_drops_the_rest() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "0123456789", ct);
        await Check.WriteAsync(fs, "/f", "XY", ct, FtpWriteMode.WriteAt, 4);
        await ExpectFileAsync(fs, "/f", "0123XY", "after writing \"XY\" at offset 4 of \"0123456789\" (what followed the written bytes is dropped)", ct);
        await Check.WriteAsync(fs, "/f", "Z", ct, FtpWriteMode.WriteAt, 6);
        await ExpectFileAsync(fs, "/f", "0123XYZ", "after writing \"Z\" at offset 6, the end of \"0123XY\"", ct);
        var large = Check.Pattern(300_000, 5);
        var tail = Encoding.ASCII.GetBytes("resumed");
        await Check.WriteAsync(fs, "/big", large, ct);
        await Check.WriteAsync(fs, "/big", tail, ct, FtpWriteMode.WriteAt, 100_000);
        await ExpectFileAsync(fs, "/big", [.. large.AsSpan(0, 100_000), .. tail], "after writing 7 bytes at offset 100,000 of a 300,000-byte file", ct);
    });

    /// <summary><c>FtpWriteMode.WriteAt</c> past the end of a file throws and leaves the file as it was.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task WriteAt_past_the_end_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "0123456789", ct);
        await Check.RefusedAsync("OpenWriteAsync(\"/f\", FtpWriteMode.WriteAt, 11) of a 10-byte file",
            "a restart offset past the end would leave a hole; FtpException(FtpReplyCode.SyntaxErrorInArguments, …) is best",
            async () => await (await fs.OpenWriteAsync("/f", FtpWriteMode.WriteAt, 11, ct)).DisposeAsync(),
            ex => Check.IsRefusal(ex) || ex is ArgumentException);
        await ExpectFileAsync(fs, "/f", "0123456789", "after the refused OpenWriteAsync past its end", ct);
    });

    /// <summary>A file of a few MiB, written in chunks, reads back byte for byte, whole and from an offset.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Large_files_read_back_exactly() => RunAsync(async (fs, ct) =>
    {
        var content = Check.Pattern((3 * 1024 * 1024) + 7, 6);
        await Check.WriteAsync(fs, "/large.bin", content, ct);
        await ExpectFileAsync(fs, "/large.bin", content, "after writing 3 MiB + 7 bytes", ct);
        var tail = await Check.ReadAsync(fs, "/large.bin", ct, 1_000_000);
        Check.SameBytes(content.AsSpan(1_000_000), tail, "Reading \"/large.bin\" from offset 1,000,000");
    });

    /// <summary>
    /// <c>OpenReadAsync</c> and <c>ReadAsync</c> with a cancelled token throw <see cref="OperationCanceledException"/>
    /// or complete, promptly (within 10 s): the engine cancels transfers on ABOR, timeouts and shutdown.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Cancelled_reads_end_promptly() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/r.bin", Check.Pattern(1024 * 1024, 7), ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await EndsPromptlyAsync("OpenReadAsync(\"/r.bin\", 0) with a cancelled token", async () => await (await fs.OpenReadAsync("/r.bin", 0, cancelled.Token)).DisposeAsync());
        var stream = await Check.Step("OpenReadAsync(\"/r.bin\", 0)", () => fs.OpenReadAsync("/r.bin", 0, ct).AsTask())
                     ?? throw Check.Failure("OpenReadAsync(\"/r.bin\", 0) returned null; it must return a readable stream.");
        await using (stream)
        {
            var buffer = new byte[64 * 1024];
            await EndsPromptlyAsync("ReadAsync with a cancelled token on the stream from OpenReadAsync", async () =>
            {
                var read = await stream.ReadAsync(buffer, cancelled.Token);
                if (read < 0 || read > buffer.Length)
                {
                    throw Check.Failure($"ReadAsync returned {read} for a buffer of {buffer.Length} bytes.");
                }

                Check.SameBytes(Check.Pattern(read, 7), buffer.AsSpan(0, read), "The bytes a ReadAsync with a cancelled token returned (it may return nothing, but no other bytes)");
            });
        }
    });

    /// <summary>
    /// <c>OpenWriteAsync</c> and <c>WriteAsync</c> with a cancelled token throw <see cref="OperationCanceledException"/>
    /// or complete, promptly (within 10 s), and the stream can still be disposed.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Cancelled_writes_end_promptly() => RunAsync(async (fs, ct) =>
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await EndsPromptlyAsync("OpenWriteAsync(\"/w.bin\", Create, 0) with a cancelled token",
            async () => await (await fs.OpenWriteAsync("/w.bin", FtpWriteMode.Create, 0, cancelled.Token)).DisposeAsync());
        var stream = await Check.Step("OpenWriteAsync(\"/w.bin\", Create, 0)", () => fs.OpenWriteAsync("/w.bin", FtpWriteMode.Create, 0, ct).AsTask())
                     ?? throw Check.Failure("OpenWriteAsync(\"/w.bin\", Create, 0) returned null; it must return a writable stream.");
        await EndsPromptlyAsync("WriteAsync with a cancelled token on the stream from OpenWriteAsync", async () => await stream.WriteAsync(Check.Pattern(64 * 1024, 8), cancelled.Token));
        await EndsPromptlyAsync("DisposeAsync of a write stream after a cancelled WriteAsync (an aborted upload)", async () => await stream.DisposeAsync(), acceptCancellation: false);
    });

    /// <summary>
    /// <c>ListAsync</c> with a cancelled token, or cancelled after its first entry, throws
    /// <see cref="OperationCanceledException"/> or ends, promptly (within 10 s).
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Cancelled_listings_end_promptly() => RunAsync(async (fs, ct) =>
    {
        for (var i = 0; i < 100; i++)
        {
            await Check.WriteAsync(fs, $"/f{i:d3}", "x", ct);
        }

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await EndsPromptlyAsync("ListAsync(\"/\") with a cancelled token", async () =>
        {
            await foreach (var _ in fs.ListAsync("/", cancelled.Token))
            {
            }
        });
        using var later = new CancellationTokenSource();
        await EndsPromptlyAsync("ListAsync(\"/\") cancelled after its first entry", async () =>
        {
            await foreach (var _ in fs.ListAsync("/", later.Token))
            {
                await later.CancelAsync();
            }
        });
    });

    /// <summary>Fails unless <paramref name="action"/> ends (or throws OperationCanceledException) within <see cref="CancelledCallLimit"/>.</summary>
    private static async Task EndsPromptlyAsync(string call, Func<Task> action, bool acceptCancellation = true)
    {
        var task = Task.Run(action);
        try
        {
            await task.WaitAsync(CancelledCallLimit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw Check.Failure($"{call} did not end within {CancelledCallLimit.TotalSeconds:F0} s: honour the CancellationToken (throw OperationCanceledException or return), since the engine waits for a cancelled transfer to end.");
        }
        catch (OperationCanceledException) when (acceptCancellation)
        {
            // Cancelled, as asked.
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw Check.Failure($"{call} must throw OperationCanceledException or complete, but it threw {Check.Describe(ex)}.", ex);
        }
    }
}
