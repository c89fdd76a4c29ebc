using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.FileSystems;

/// <summary>
/// LIST and MLSD of a disk directory from getdents64 and statx give the bytes of the general path (ListAsync and the
/// FtpFileInfo formatter), for files, directories, links inside, outside and dangling, odd names, big sizes, old and
/// future dates, and upload temporaries.
/// </summary>
public sealed partial class DirectoryBatchReaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 13, 5, 0, TimeSpan.Zero);
    private static readonly FtpUser Alice = new("alice", "/", FtpPermissions.All);
    private readonly string _base = Directory.CreateTempSubdirectory("ftp-batch-").FullName;
    private readonly string _root;
    private readonly PhysicalFileSystem _fs;

    public DirectoryBatchReaderTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _fs = new PhysicalFileSystem(_root);
    }

    private readonly List<byte[]> _rawNames = [];

    public void Dispose()
    {
        foreach (var path in _rawNames)
        {
            _ = Unlink(path); // names that are not UTF-8: Directory.Delete cannot name them
        }

        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task Lines_are_those_of_the_general_path()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            Populate(Directory.CreateDirectory(Path.Combine(_root, "d")).FullName);
        }

        foreach (var format in new[] { Format.List, Format.Facts, Format.FactsWithMode })
        {
            var expected = await GeneralAsync("/d", format);
            var actual = await BatchedAsync("/d", format, threshold: 1024);
            actual.Should().Be(expected, format.ToString());
        }

        // As the general path has it: a dangling link is listed, names that are not UTF-8 are left out (their decoded
        // form names no file), upload temporaries are hidden.
        var list = await BatchedAsync("/d", Format.List, threshold: 1024);
        list.Should().Contain(" with space.txt\r\n").And.Contain(" \u00e9t\u00e9 \u65e5\u672c.txt\r\n").And.Contain(" 5368709120 ")
            .And.Contain("Jan 01  1970 epoch.txt").And.Contain("Mar 04  2099 future.txt").And.Contain("drwx------")
            .And.Contain("lrw-r--r--").And.Contain(" good-link\r\n").And.Contain(" line?break.txt\r\n").And.Contain(" dangling\r\n")
            .And.Contain(".ftp-upload-0123456789abcdeX.part").And.NotContain(".ftp-upload-0123456789abcdef.part")
            .And.NotContain("escape").And.NotContain("bad-").And.NotContain("cut-");
    }

    [Fact]
    public async Task A_directory_that_changes_while_listed_gives_whole_lines()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var dir = Directory.CreateDirectory(Path.Combine(_root, "busy")).FullName;
        for (var i = 0; i < 3000; i++)
        {
            File.WriteAllText(Path.Combine(dir, $"f{i:D5}.txt"), "x");
        }

        using var reader = _fs.OpenBatchReader("/busy");
        reader.Should().NotBeNull();
        using var stream = new MemoryStream();
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var lines = new Lines(Format.List, "/busy");
        var round = 0;
        while (reader!.WriteSome(writer, lines, 4096))
        {
            await writer.FlushAsync();
            for (var i = 0; i < 100; i++)
            {
                File.Delete(Path.Combine(dir, $"f{(round * 100) + i + 1500:D5}.txt"));
                File.WriteAllText(Path.Combine(dir, $"n{round:D3}-{i:D3}.txt"), "y");
            }

            round++;
        }

        await writer.CompleteAsync();
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var listed = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        round.Should().BeGreaterThan(3);
        listed.Should().OnlyContain(line => ListLine().IsMatch(line)).And.OnlyHaveUniqueItems();
        listed.Length.Should().BeGreaterThanOrEqualTo(1500);
    }

    [Fact]
    public void Outside_the_root_or_not_a_directory_takes_the_general_path()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.WriteAllText(Path.Combine(_root, "file.txt"), "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape-dir"), _base);
        _fs.OpenBatchReader("/file.txt").Should().BeNull();
        _fs.OpenBatchReader("/missing").Should().BeNull();
        _fs.OpenBatchReader("/escape-dir").Should().BeNull();
        using var root = _fs.OpenBatchReader("/");
        root.Should().NotBeNull();
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void Populate(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "plain.txt"), "hello");
        File.WriteAllText(Path.Combine(dir, "with space.txt"), "x");
        File.WriteAllText(Path.Combine(dir, "\u00e9t\u00e9 \u65e5\u672c.txt"), "xy");
        File.WriteAllText(Path.Combine(dir, "line\nbreak.txt"), "z");
        File.WriteAllText(Path.Combine(dir, ".hidden"), "h");
        File.WriteAllText(Path.Combine(dir, ".ftp-upload-0123456789abcdef.part"), "partial");
        File.WriteAllText(Path.Combine(dir, ".ftp-upload-0123456789abcdeX.part"), "not an upload");
        using (var big = File.Create(Path.Combine(dir, "big.iso")))
        {
            big.SetLength(5L << 30);
        }

        File.WriteAllText(Path.Combine(dir, "epoch.txt"), "e");
        File.SetLastWriteTimeUtc(Path.Combine(dir, "epoch.txt"), DateTime.UnixEpoch);
        File.WriteAllText(Path.Combine(dir, "old.txt"), "o");
        File.SetLastWriteTimeUtc(Path.Combine(dir, "old.txt"), new DateTime(1901, 12, 14, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(dir, "future.txt"), "f");
        File.SetLastWriteTimeUtc(Path.Combine(dir, "future.txt"), new DateTime(2099, 3, 4, 5, 6, 7, DateTimeKind.Utc));
        var secret = Directory.CreateDirectory(Path.Combine(dir, "secret"));
        File.SetUnixFileMode(secret.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(dir, "setuid"), "s");
        File.SetUnixFileMode(Path.Combine(dir, "setuid"), UnixFileMode.SetUser | UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.CreateSymbolicLink(Path.Combine(dir, "good-link"), Path.Combine(dir, "plain.txt"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "dir-link"), Path.Combine(dir, "sub"));
        File.CreateSymbolicLink(Path.Combine(dir, "dangling"), Path.Combine(dir, "nothing-here"));
        File.CreateSymbolicLink(Path.Combine(dir, "escape"), Path.Combine(_base, "outside.txt"));
        File.WriteAllText(Path.Combine(_base, "outside.txt"), "secret");
        CreateRaw(Path.Combine(dir, "bad-"), [0xff, 0xfe, (byte)'.', (byte)'t']);
        CreateRaw(Path.Combine(dir, "cut-"), [0xe2, 0x82]);
    }

    /// <summary>Creates a file whose name ends in bytes that are not valid UTF-8.</summary>
    private void CreateRaw(string prefix, byte[] tail)
    {
        var path = Encoding.UTF8.GetBytes(prefix).Concat(tail).Append((byte)0).ToArray();
        _rawNames.Add(path);
        var fd = Creat(path, 0x1a4);
        fd.Should().BeGreaterThanOrEqualTo(0);
        Close(fd).Should().Be(0);
    }

    private async Task<string> GeneralAsync(string path, Format format)
    {
        var output = new ArrayBufferWriter<byte>();
        var lines = new Lines(format, path);
        await foreach (var entry in _fs.ListAsync(path, default))
        {
            if (!UploadTemporaryName.Matches(entry.Name))
            {
                lines.Write(output, entry);
            }
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private async Task<string> BatchedAsync(string path, Format format, long threshold)
    {
        using var reader = _fs.OpenBatchReader(path);
        reader.Should().NotBeNull();
        using var stream = new MemoryStream();
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var lines = new Lines(format, path);
        while (reader!.WriteSome(writer, lines, threshold))
        {
            await writer.FlushAsync();
        }

        await writer.CompleteAsync();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private enum Format
    {
        List,
        Facts,
        FactsWithMode,
    }

    private sealed class Lines(Format format, string directory) : IListingLineWriter
    {
        private MlstFacts Facts => format == Format.FactsWithMode ? MlstFacts.Default | MlstFacts.UnixMode : MlstFacts.Default;

        public void Write(IBufferWriter<byte> output, FtpFileInfo entry)
        {
            if (format == Format.List)
            {
                ListingFormatter.WriteListLine(output, entry, Now);
            }
            else
            {
                ListingFormatter.WriteFactsLine(output, entry, directory, entry.Name, Facts, Alice, entry.Name);
            }
        }

        public void Write(IBufferWriter<byte> output, in RawListingEntry entry)
        {
            if (format == Format.List)
            {
                ListingFormatter.WriteListLine(output, entry, Now);
            }
            else
            {
                ListingFormatter.WriteFactsLine(output, entry, ListingFormatter.UniqueSeed(directory), Facts, Alice);
            }
        }
    }

    [GeneratedRegex(@"^-rw-r--r--    1 ftp      ftp      +\d+ [A-Z][a-z]{2} \d\d( \d\d:\d\d|  \d{4}) [fn][-\d]+\.txt$")]
    private static partial Regex ListLine();

    [DllImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static extern int Creat(byte[] path, int mode);

    [DllImport("libc", EntryPoint = "unlink")]
    private static extern int Unlink(byte[] path);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
