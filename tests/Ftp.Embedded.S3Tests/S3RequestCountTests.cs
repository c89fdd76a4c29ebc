using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;
using Ftp.Embedded.S3;

namespace Ftp.Embedded.S3Tests;

/// <summary>The S3 requests each filesystem call makes, counted on the client (what a STOR costs decides how fast many small files go).</summary>
[Collection(RgwGroup.Name)]
public sealed class S3RequestCountTests(RgwFixture rgw) : IAsyncLifetime
{
    private static readonly FtpUser User = new("u", "/", FtpPermissions.All);
    private readonly ConcurrentQueue<string> _requests = new();
    private AmazonS3Client _client = null!;
    private S3FileSystemProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _client = rgw.NewClient();
        _client.BeforeRequestEvent += (_, e) => _requests.Enqueue(((WebServiceRequestEventArgs)e).Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
        var options = rgw.Options(await rgw.CreateBucketAsync(), "tenant");
        options.Client = _client;
        _provider = new S3FileSystemProvider(options);
    }

    public Task DisposeAsync()
    {
        _provider.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_small_file_into_a_directory_this_filesystem_knows_is_one_LIST_and_one_PutObject()
    {
        var fs = await _provider.GetFileSystemAsync(User, CancellationToken.None);
        await fs.CreateDirectoryAsync("/d", CancellationToken.None);
        _requests.Clear();

        await WriteAsync(fs, "/d/a.txt", "a");

        Requests().Should().Equal("ListObjectsV2", "PutObject");
    }

    [Fact]
    public async Task A_directory_another_filesystem_made_costs_one_HEAD_of_its_marker_once()
    {
        var fs = await _provider.GetFileSystemAsync(User, CancellationToken.None);
        await fs.CreateDirectoryAsync("/d", CancellationToken.None);
        var other = await _provider.GetFileSystemAsync(User, CancellationToken.None);
        _requests.Clear();

        await WriteAsync(other, "/d/a.txt", "a");
        var first = Requests();
        await WriteAsync(other, "/d/b.txt", "b");

        first.Order(StringComparer.Ordinal).Should().Equal("GetObjectMetadata", "ListObjectsV2", "PutObject");
        Requests().Should().Equal("ListObjectsV2", "PutObject");
    }

    [Fact]
    public async Task A_removed_directory_is_forgotten_and_writing_into_it_fails()
    {
        var fs = await _provider.GetFileSystemAsync(User, CancellationToken.None);
        await fs.CreateDirectoryAsync("/d", CancellationToken.None);
        await fs.DeleteDirectoryAsync("/d", CancellationToken.None);

        var write = () => fs.OpenWriteAsync("/d/a.txt", FtpWriteMode.Create, 0, CancellationToken.None).AsTask();

        await write.Should().ThrowAsync<DirectoryNotFoundException>();
    }

    private string[] Requests()
    {
        var list = new List<string>();
        while (_requests.TryDequeue(out var name))
        {
            list.Add(name);
        }

        return [.. list];
    }

    private static async Task WriteAsync(IFtpFileSystem fs, string path, string text)
    {
        await using var stream = await fs.OpenWriteAsync(path, FtpWriteMode.Create, 0, CancellationToken.None);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
    }
}
