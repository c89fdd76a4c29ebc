using System.Text;

namespace Ftp.Embedded.Tests.FileSystems;

/// <summary>What every built-in filesystem promises; run against each of them.</summary>
public abstract class FileSystemContractTests
{
    protected abstract IFtpFileSystem FileSystem { get; }

    private async Task WriteAsync(string path, string content, FtpWriteMode mode = FtpWriteMode.Create, long offset = 0)
    {
        await using var stream = await FileSystem.OpenWriteAsync(path, mode, offset, default);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(content));
    }

    private async Task<string> ReadAsync(string path, long offset = 0)
    {
        await using var stream = await FileSystem.OpenReadAsync(path, offset, default);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private async Task<List<FtpFileInfo>> ListAsync(string path)
    {
        var list = new List<FtpFileInfo>();
        await foreach (var entry in FileSystem.ListAsync(path, default))
        {
            list.Add(entry);
        }

        return list;
    }

    [Fact]
    public async Task Files_are_created_read_and_described()
    {
        await WriteAsync("/a.txt", "hello");
        (await ReadAsync("/a.txt")).Should().Be("hello");
        (await ReadAsync("/a.txt", 2)).Should().Be("llo");
        (await ReadAsync("/a.txt", 99)).Should().BeEmpty();
        var info = await FileSystem.GetInfoAsync("/a.txt", default);
        info.Should().NotBeNull();
        info!.Name.Should().Be("a.txt");
        info.IsDirectory.Should().BeFalse();
        info.Length.Should().Be(5);
        info.LastWriteTime.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        (await FileSystem.GetInfoAsync("/missing", default)).Should().BeNull();
        (await FileSystem.GetInfoAsync("/", default))!.IsDirectory.Should().BeTrue();
    }

    [Fact]
    public async Task Create_truncates_append_appends_and_write_at_cuts_at_the_offset()
    {
        await WriteAsync("/f", "0123456789");
        await WriteAsync("/f", "ab");
        (await ReadAsync("/f")).Should().Be("ab");
        await WriteAsync("/f", "cd", FtpWriteMode.Append);
        (await ReadAsync("/f")).Should().Be("abcd");
        await WriteAsync("/g", "new", FtpWriteMode.Append);
        (await ReadAsync("/g")).Should().Be("new");
        await WriteAsync("/f", "XY", FtpWriteMode.WriteAt, 1);
        (await ReadAsync("/f")).Should().Be("aXY");
        await WriteAsync("/f", "Z", FtpWriteMode.WriteAt, 3);
        (await ReadAsync("/f")).Should().Be("aXYZ");
        await WriteAsync("/f", "new", FtpWriteMode.Create);
        (await ReadAsync("/f")).Should().Be("new");
        var beyond = async () => await FileSystem.OpenWriteAsync("/f", FtpWriteMode.WriteAt, 100, default);
        (await beyond.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.SyntaxErrorInArguments);
    }

    [Fact]
    public async Task Large_files_survive_a_round_trip()
    {
        var content = new byte[3 * 1024 * 1024 + 7];
        new Random(5).NextBytes(content);
        await using (var stream = await FileSystem.OpenWriteAsync("/big", FtpWriteMode.Create, 0, default))
        {
            for (var i = 0; i < content.Length; i += 100_000)
            {
                await stream.WriteAsync(content.AsMemory(i, Math.Min(100_000, content.Length - i)));
            }
        }

        await using var read = await FileSystem.OpenReadAsync("/big", 1_000_000, default);
        using var memory = new MemoryStream();
        await read.CopyToAsync(memory);
        memory.ToArray().AsSpan().SequenceEqual(content.AsSpan(1_000_000)).Should().BeTrue();
    }

    [Fact]
    public async Task Directories_are_created_listed_and_removed()
    {
        await FileSystem.CreateDirectoryAsync("/d", default);
        await FileSystem.CreateDirectoryAsync("/d/e", default);
        await WriteAsync("/d/f.txt", "x");
        var entries = await ListAsync("/d");
        entries.Select(e => (e.Name, e.IsDirectory)).Should().BeEquivalentTo([("e", true), ("f.txt", false)]);
        var exists = async () => await FileSystem.CreateDirectoryAsync("/d", default);
        await exists.Should().ThrowAsync<IOException>();
        var orphan = async () => await FileSystem.CreateDirectoryAsync("/nope/x", default);
        await orphan.Should().ThrowAsync<DirectoryNotFoundException>();
        var notEmpty = async () => await FileSystem.DeleteDirectoryAsync("/d", default);
        await notEmpty.Should().ThrowAsync<IOException>();
        await FileSystem.DeleteDirectoryAsync("/d/e", default);
        await FileSystem.DeleteFileAsync("/d/f.txt", default);
        await FileSystem.DeleteDirectoryAsync("/d", default);
        (await FileSystem.GetInfoAsync("/d", default)).Should().BeNull();
    }

    [Fact]
    public async Task Deleting_the_wrong_kind_or_a_missing_entry_fails()
    {
        await FileSystem.CreateDirectoryAsync("/dir", default);
        await WriteAsync("/file", "x");
        var deleteDir = async () => await FileSystem.DeleteFileAsync("/dir", default);
        await deleteDir.Should().ThrowAsync<IOException>();
        var deleteFileAsDir = async () => await FileSystem.DeleteDirectoryAsync("/file", default);
        await deleteFileAsDir.Should().ThrowAsync<IOException>();
        var missing = async () => await FileSystem.DeleteFileAsync("/missing", default);
        await missing.Should().ThrowAsync<FileNotFoundException>();
        var listFile = async () => await ListAsync("/file");
        await listFile.Should().ThrowAsync<DirectoryNotFoundException>();
        var listMissing = async () => await ListAsync("/missing");
        await listMissing.Should().ThrowAsync<DirectoryNotFoundException>();
        var readMissing = async () => await FileSystem.OpenReadAsync("/missing", 0, default);
        await readMissing.Should().ThrowAsync<FileNotFoundException>();
        var writeIntoMissing = async () => await FileSystem.OpenWriteAsync("/missing/x", FtpWriteMode.Create, 0, default);
        await writeIntoMissing.Should().ThrowAsync<DirectoryNotFoundException>();
        var writeOverDir = async () => await FileSystem.OpenWriteAsync("/dir", FtpWriteMode.Create, 0, default);
        await writeOverDir.Should().ThrowAsync<IOException>();
    }

    [Fact]
    public async Task Rename_moves_files_and_directories_and_replaces_files()
    {
        await WriteAsync("/a", "A");
        await WriteAsync("/b", "B");
        await FileSystem.RenameAsync("/a", "/b", default);
        (await ReadAsync("/b")).Should().Be("A");
        (await FileSystem.GetInfoAsync("/a", default)).Should().BeNull();
        await FileSystem.CreateDirectoryAsync("/d1", default);
        await WriteAsync("/d1/x", "X");
        await FileSystem.RenameAsync("/d1", "/d2", default);
        (await ReadAsync("/d2/x")).Should().Be("X");
        await FileSystem.CreateDirectoryAsync("/d3", default);
        var overDir = async () => await FileSystem.RenameAsync("/b", "/d3", default);
        await overDir.Should().ThrowAsync<IOException>();
        var intoItself = async () => await FileSystem.RenameAsync("/d2", "/d2/inner", default);
        await intoItself.Should().ThrowAsync<IOException>();
        var missing = async () => await FileSystem.RenameAsync("/nothing", "/else", default);
        await missing.Should().ThrowAsync<FileNotFoundException>();
    }

    [Fact]
    public async Task Modification_times_can_be_set()
    {
        await WriteAsync("/t", "t");
        var time = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await ((IFtpModificationTimeFileSystem)FileSystem).SetLastWriteTimeAsync("/t", time, default);
        (await FileSystem.GetInfoAsync("/t", default))!.LastWriteTime.Should().Be(time);
    }

    [Theory]
    [InlineData("relative")]
    [InlineData("/a/../b")]
    [InlineData("/a/./b")]
    [InlineData("/a\\b")]
    [InlineData("/a\0b")]
    public async Task Paths_that_are_not_normalised_are_refused(string path)
    {
        var info = async () => await FileSystem.GetInfoAsync(path, default);
        await info.Should().ThrowAsync<ArgumentException>();
        var write = async () => await FileSystem.OpenWriteAsync(path, FtpWriteMode.Create, 0, default);
        await write.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task A_reader_keeps_the_content_it_opened_while_a_writer_replaces_it()
    {
        await WriteAsync("/r", "original content");
        await using var reader = await FileSystem.OpenReadAsync("/r", 0, default);
        await WriteAsync("/r.new", "replacement");
        await FileSystem.RenameAsync("/r.new", "/r", default);
        using var text = new StreamReader(reader);
        (await text.ReadToEndAsync()).Should().Be("original content");
        (await ReadAsync("/r")).Should().Be("replacement");
    }
}

public sealed class InMemoryFileSystemContractTests : FileSystemContractTests
{
    protected override IFtpFileSystem FileSystem { get; } = new InMemoryFileSystem();

    [Fact]
    public async Task Subtrees_share_the_data_and_cannot_see_above_their_root()
    {
        var root = new InMemoryFileSystem();
        var home = root.GetSubtree("/home/alice");
        await using (var stream = await home.OpenWriteAsync("/mine.txt", FtpWriteMode.Create, 0, default))
        {
            await stream.WriteAsync("m"u8.ToArray());
        }

        (await root.GetInfoAsync("/home/alice/mine.txt", default))!.Length.Should().Be(1);
        (await home.GetInfoAsync("/home", default)).Should().BeNull();
        var provider = new InMemoryFileSystemProvider(root);
        var bob = await provider.GetFileSystemAsync(new FtpUser("bob", "/home/bob", FtpPermissions.All), default);
        (await bob.GetInfoAsync("/mine.txt", default)).Should().BeNull();
        (await root.GetInfoAsync("/home/bob", default))!.IsDirectory.Should().BeTrue("missing homes are created");
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_never_see_torn_content()
    {
        var fs = new InMemoryFileSystem();
        var contents = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)('a' + i), 200_000).ToArray()).ToArray();
        var writers = contents.Select(async content =>
        {
            for (var round = 0; round < 10; round++)
            {
                await using var stream = await fs.OpenWriteAsync("/shared", FtpWriteMode.Create, 0, default);
                await stream.WriteAsync(content);
            }
        });
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 50; round++)
            {
                if (await fs.GetInfoAsync("/shared", default) is null)
                {
                    continue;
                }

                await using var stream = await fs.OpenReadAsync("/shared", 0, default);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                var bytes = memory.ToArray();
                if (bytes.Length > 0)
                {
                    bytes.Should().HaveCount(200_000);
                    bytes.Distinct().Should().ContainSingle();
                }
            }
        }));
        await Task.WhenAll(writers.Concat(readers)).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
