using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Benchmarks;

/// <summary>
/// LIST and MLSD lines: formatting one entry from an <see cref="FtpFileInfo"/> or from raw name bytes and stat fields,
/// and a whole directory of 10,000 files on disk through ListAsync or the getdents64 + statx reader (Linux).
/// </summary>
[MemoryDiagnoser]
public class ListingBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly FtpFileInfo Entry = new("file00042.txt", false, 64, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero)) { UnixMode = 0b110_100_100 };
    private static readonly byte[] Name = "file00042.txt"u8.ToArray();
    private static readonly FtpUser User = new("alice", "/", FtpPermissions.Read);
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private string _root = "";
    private PhysicalFileSystem _fs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("ftp-listing-bench-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(_root, "dir10k")).FullName;
        for (var i = 0; i < 10_000; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"file{i:D5}.txt"), new byte[64]);
        }

        _fs = new PhysicalFileSystem(_root);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark]
    public int ListLineFromInfo()
    {
        _output.ResetWrittenCount();
        ListingFormatter.WriteListLine(_output, Entry, Now);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ListLineFromRaw()
    {
        _output.ResetWrittenCount();
        ListingFormatter.WriteListLine(_output, new RawListingEntry(Name, false, 64, Entry.LastWriteTime.UtcTicks, 0b110_100_100), Now);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int FactsLineFromInfo()
    {
        _output.ResetWrittenCount();
        ListingFormatter.WriteFactsLine(_output, Entry, "/dir10k", Entry.Name, MlstFacts.Default, User, Entry.Name);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int FactsLineFromRaw()
    {
        _output.ResetWrittenCount();
        ListingFormatter.WriteFactsLine(_output, new RawListingEntry(Name, false, 64, Entry.LastWriteTime.UtcTicks, 0b110_100_100), ListingFormatter.UniqueSeed("/dir10k"), MlstFacts.Default, User);
        return _output.WrittenCount;
    }

    [Benchmark]
    public async Task<long> List10kThroughListAsync()
    {
        var writer = PipeWriter.Create(Stream.Null, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        var lines = new Lines();
        long total = 0;
        await foreach (var entry in _fs.ListAsync("/dir10k", default))
        {
            lines.Write(writer, entry);
            if (writer.UnflushedBytes > 60 * 1024)
            {
                total += writer.UnflushedBytes;
                await writer.FlushAsync();
            }
        }

        total += writer.UnflushedBytes;
        await writer.CompleteAsync();
        return total;
    }

    [Benchmark]
    public async Task<long> List10kFromGetdents()
    {
        var writer = PipeWriter.Create(Stream.Null, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        using var reader = _fs.OpenBatchReader("/dir10k") ?? throw new PlatformNotSupportedException("Linux only.");
        var lines = new Lines();
        long total = 0;
        while (reader.WriteSome(writer, lines, 60 * 1024))
        {
            total += writer.UnflushedBytes;
            await writer.FlushAsync();
        }

        total += writer.UnflushedBytes;
        await writer.CompleteAsync();
        return total;
    }

    private sealed class Lines : IListingLineWriter
    {
        public void Write(IBufferWriter<byte> output, FtpFileInfo entry) => ListingFormatter.WriteListLine(output, entry, Now);

        public void Write(IBufferWriter<byte> output, in RawListingEntry entry) => ListingFormatter.WriteListLine(output, entry, Now);
    }
}
