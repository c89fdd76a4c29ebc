using System.Net;
using System.Net.Sockets;
using Amazon.S3.Model;
using Ftp.Embedded.S3;
using FtpWire;

namespace Ftp.Embedded.S3Tests;

/// <summary>A real server over <see cref="S3FileSystemProvider"/> on RGW, driven over real sockets.</summary>
[Collection(RgwGroup.Name)]
public sealed class S3ServerTests(RgwFixture rgw) : IAsyncLifetime
{
    private const string Home = "home/alice/";
    private string _bucket = "";
    private S3FileSystemProvider? _provider;
    private FtpServer? _server;

    private int Port => _server!.EndPoints[0].Port;

    public async Task InitializeAsync()
    {
        _bucket = await rgw.CreateBucketAsync();
        _provider = new S3FileSystemProvider(rgw.Options(_bucket));
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        _server = FtpServer.Create(options, _provider, [new AliceAuthenticator()]);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _provider?.Dispose();
    }

    [Fact]
    public async Task A_20_MiB_file_is_stored_as_a_multipart_upload_and_retrieved_byte_exact()
    {
        var content = new byte[20 * 1024 * 1024];
        new Random(14).NextBytes(content);
        await using var client = await FtpWireClient.LoginAsync(Port);
        await client.ExpectAsync("TYPE I", 200);
        await client.StoreAsync("STOR big.bin", content);

        var head = await rgw.Client.GetObjectMetadataAsync(_bucket, Home + "big.bin");
        head.ContentLength.Should().Be(content.Length);
        head.ETag.Should().EndWith("-3\"", "20 MiB in parts of 8 MiB is a multipart upload of three parts");
        (await client.RetrieveAsync("RETR big.bin")).SequenceEqual(content).Should().BeTrue();
        (await client.ExpectAsync("SIZE big.bin", 213)).Text.Should().Be(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_broken_upload_leaves_no_object_and_no_open_multipart_upload()
    {
        await using var client = await FtpWireClient.LoginAsync(Port);
        await client.ExpectAsync("TYPE I", 200);
        using (var data = await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("STOR broken.bin", 150);
            await FtpWireClient.SendAllAsync(data, new byte[12 * 1024 * 1024], CancellationToken.None);
            await WaitForAsync(async () => (await OpenUploadsAsync()).Count == 1, "the multipart upload to start");
            FtpWireClient.Reset(data);
        }

        var reply = await client.ReadReplyAsync();
        reply.Code.Should().BeOneOf(426, 451);
        await WaitForAsync(async () => (await OpenUploadsAsync()).Count == 0, "the multipart upload to be aborted");
        var list = await rgw.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = Home + "broken" });
        list.KeyCount.Should().Be(0);
    }

    [Fact]
    public async Task MFMT_sets_the_time_MDTM_and_MLSD_report()
    {
        await using var client = await FtpWireClient.LoginAsync(Port);
        await client.StoreAsync("STOR t.txt", "hello"u8.ToArray());
        (await client.ExpectAsync("MFMT 20200102030405 t.txt", 213)).Text.Should().StartWith("Modify=20200102030405");
        (await client.ExpectAsync("MDTM t.txt", 213)).Text.Should().Be("20200102030405");
        (await client.ListAsync("MLSD")).Should().Contain("modify=20200102030405;").And.Contain("t.txt");
        (await client.RetrieveAsync("RETR t.txt")).Should().Equal("hello"u8.ToArray());
    }

    [Fact]
    public async Task LIST_of_a_directory_of_1000_keys_shows_each_once()
    {
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await rgw.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = $"{Home}many/k{i:d4}", ContentBody = "x" }, ct));
        await using var client = await FtpWireClient.LoginAsync(Port);
        client.Timeout = TimeSpan.FromSeconds(60);
        var lines = (await client.ListAsync("LIST many")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(1000);
        lines.Select(l => l[(l.LastIndexOf(' ') + 1)..]).Should().OnlyHaveUniqueItems().And.Contain("k0000").And.Contain("k0999");
    }

    private async Task<List<MultipartUpload>> OpenUploadsAsync()
        => (await rgw.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket })).MultipartUploads ?? [];

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 30 s for {what}.");
            }

            await Task.Delay(50);
        }
    }

    private sealed class AliceAuthenticator : IFtpAuthenticator
    {
        public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
            => ValueTask.FromResult(login is { UserName: "alice", Password: "secret" } ? new FtpUser("alice", "/home/alice", FtpPermissions.All) : null);
    }
}
