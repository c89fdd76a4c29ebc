using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private const int Readers = 4;
    private const int Versions = 5;

    /// <summary>Several readers of one file at the same time (parallel RETRs) each read the whole file, byte for byte.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Concurrent_readers_each_read_the_whole_file() => RunAsync(async (fs, ct) =>
    {
        var content = Check.Pattern((1024 * 1024) + 3, 9);
        await Check.WriteAsync(fs, "/shared.bin", content, ct);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var read = await Check.ReadAsync(fs, "/shared.bin", ct);
            Check.SameBytes(content, read, $"What reader {i} of 8 concurrent readers of \"/shared.bin\" read");
        }, ct)));
    });

    /// <summary>
    /// A reader that opened a file before STOR replaced it (through <see cref="IFtpAtomicUploadFileSystem"/>, or a
    /// temporary file renamed over it) goes on reading the old content to its end; a reader opened afterwards reads the
    /// new content.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task A_reader_keeps_the_content_it_opened_while_the_file_is_replaced() => RunAsync(async (fs, ct) =>
    {
        var old = Check.Pattern(300_000, 10);
        var replacement = Check.Pattern(200_000, 11);
        await Check.WriteAsync(fs, "/r.bin", old, ct);
        var stream = await Check.Step("OpenReadAsync(\"/r.bin\", 0)", () => fs.OpenReadAsync("/r.bin", 0, ct).AsTask())
                     ?? throw Check.Failure("OpenReadAsync(\"/r.bin\", 0) returned null; it must return a readable stream.");
        await using (stream)
        {
            var head = new byte[100_000];
            await Check.Step("Reading the first 100,000 bytes of \"/r.bin\"", () => stream.ReadExactlyAsync(head, ct).AsTask());
            await StoreAsync(fs, "/r.bin", replacement, ct);
            var rest = await Check.Step("Reading the rest of \"/r.bin\" after it was replaced", () => Check.ReadToEndAsync(stream, "OpenReadAsync(\"/r.bin\", 0)", ct));
            Check.SameBytes(old, [.. head, .. rest],
                "A reader opened before \"/r.bin\" was replaced must read the content it opened to its end (RETR of a file that a STOR replaces meanwhile sends the old file whole, never a mix)");
        }

        await ExpectFileAsync(fs, "/r.bin", replacement, "after it was replaced", ct);
    });

    /// <summary>
    /// While STOR replaces a file several times, concurrent readers each read one whole version: the file never
    /// disappears and never reads as a mix of two uploads.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Readers_see_whole_versions_while_the_file_is_replaced() => RunAsync(async (fs, ct) =>
    {
        var versions = Enumerable.Range(0, Versions).Select(v => Check.Pattern(100_000 + (v * 30_000), 20 + v)).ToArray();
        await Check.WriteAsync(fs, "/v.bin", versions[0], ct);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                var seen = await Check.ReadAsync(fs, "/v.bin", ct);
                reads++;
                if (!versions.Any(v => v.AsSpan().SequenceEqual(seen)))
                {
                    throw Check.Failure($"Reader {r} read {Check.Show(seen)} from \"/v.bin\" while STOR replaced it, which is none of the {Versions} versions written: a replacement must become visible whole (commit the upload, or rename its temporary file over the target, atomically).");
                }
            }
        }, ct)).ToArray();
        try
        {
            for (var v = 1; v < Versions; v++)
            {
                await StoreAsync(fs, "/v.bin", versions[v], ct);
            }
        }
        finally
        {
            await done.CancelAsync();
        }

        await Task.WhenAll(readers);
        await ExpectFileAsync(fs, "/v.bin", versions[^1], "after the last replacement", ct);
    });

    /// <summary>
    /// While a file is rewritten in place (<c>FtpWriteMode.Create</c>, as STOU, or STOR with atomic uploads off), concurrent
    /// readers may see any content but fail only with a refusal the engine maps to a reply, and the final content is
    /// the last one written.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Readers_during_an_in_place_rewrite_fail_only_with_mapped_exceptions() => RunAsync(async (fs, ct) =>
    {
        var versions = Enumerable.Range(0, Versions).Select(v => Check.Pattern(100_000 + (v * 30_000), 40 + v)).ToArray();
        await Check.WriteAsync(fs, "/w.bin", versions[0], ct);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                reads++;
                try
                {
                    await using var stream = await fs.OpenReadAsync("/w.bin", 0, ct);
                    await Check.ReadToEndAsync(stream, "OpenReadAsync(\"/w.bin\", 0)", ct);
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException and not OperationCanceledException && !Check.IsRefusal(ex))
                {
                    throw Check.Failure($"Reader {r} of \"/w.bin\" during a rewrite in place threw {Check.Describe(ex)}: a read may see a partial file or be refused ({Check.Refusals}), nothing else.", ex);
                }
            }
        }, ct)).ToArray();
        try
        {
            for (var v = 1; v < Versions; v++)
            {
                await Check.WriteAsync(fs, "/w.bin", versions[v], ct);
            }
        }
        finally
        {
            await done.CancelAsync();
        }

        await Task.WhenAll(readers);
        await ExpectFileAsync(fs, "/w.bin", versions[^1], "after the last rewrite (FtpWriteMode.Create)", ct);
    });
}
