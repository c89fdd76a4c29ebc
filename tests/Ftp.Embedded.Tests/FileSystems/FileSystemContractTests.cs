using System.Text;

namespace Ftp.Embedded.Tests.FileSystems;

/// <summary>
/// What the built-in filesystems promise beyond the conformance kit, which <c>tests/Ftp.Embedded.ConformanceTests</c> runs
/// against them: the exact exception types and reply codes they throw, and the refusal of paths the engine never sends.
/// </summary>
public abstract class FileSystemContractTests
{
    protected abstract IFtpFileSystem FileSystem { get; }

    private async Task WriteAsync(string path, string content)
    {
        await using var stream = await FileSystem.OpenWriteAsync(path, FtpWriteMode.Create, 0, default);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(content));
    }

    private async Task ListAsync(string path)
    {
        await foreach (var _ in FileSystem.ListAsync(path, default))
        {
        }
    }

    [Fact]
    public async Task Missing_entries_and_the_wrong_kind_throw_the_exact_exception_types()
    {
        await FileSystem.CreateDirectoryAsync("/dir", default);
        await FileSystem.CreateDirectoryAsync("/dir/sub", default);
        await WriteAsync("/file", "x");
        var deleteDir = async () => await FileSystem.DeleteFileAsync("/dir", default);
        await deleteDir.Should().ThrowAsync<IOException>();
        var deleteFileAsDir = async () => await FileSystem.DeleteDirectoryAsync("/file", default);
        await deleteFileAsDir.Should().ThrowAsync<IOException>();
        var notEmpty = async () => await FileSystem.DeleteDirectoryAsync("/dir", default);
        await notEmpty.Should().ThrowAsync<IOException>();
        var exists = async () => await FileSystem.CreateDirectoryAsync("/dir", default);
        await exists.Should().ThrowAsync<IOException>();
        var orphan = async () => await FileSystem.CreateDirectoryAsync("/nope/x", default);
        await orphan.Should().ThrowAsync<DirectoryNotFoundException>();
        var missing = async () => await FileSystem.DeleteFileAsync("/missing", default);
        await missing.Should().ThrowAsync<FileNotFoundException>();
        var listFile = async () => await ListAsync("/file");
        await listFile.Should().ThrowAsync<DirectoryNotFoundException>();
        var readMissing = async () => await FileSystem.OpenReadAsync("/missing", 0, default);
        await readMissing.Should().ThrowAsync<FileNotFoundException>();
        var writeIntoMissing = async () => await FileSystem.OpenWriteAsync("/missing/x", FtpWriteMode.Create, 0, default);
        await writeIntoMissing.Should().ThrowAsync<DirectoryNotFoundException>();
        var writeOverDir = async () => await FileSystem.OpenWriteAsync("/dir", FtpWriteMode.Create, 0, default);
        await writeOverDir.Should().ThrowAsync<IOException>();
        var renameMissing = async () => await FileSystem.RenameAsync("/nothing", "/else", default);
        await renameMissing.Should().ThrowAsync<FileNotFoundException>();
        var renameOverDir = async () => await FileSystem.RenameAsync("/file", "/dir", default);
        await renameOverDir.Should().ThrowAsync<IOException>();
        var intoItself = async () => await FileSystem.RenameAsync("/dir", "/dir/sub/inner", default);
        await intoItself.Should().ThrowAsync<IOException>();
    }

    [Fact]
    public async Task Writing_past_the_end_is_refused_with_501()
    {
        await WriteAsync("/f", "0123456789");
        var beyond = async () => await FileSystem.OpenWriteAsync("/f", FtpWriteMode.WriteAt, 11, default);
        (await beyond.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.SyntaxErrorInArguments);
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
