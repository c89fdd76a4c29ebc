using System.Globalization;
using FtpWire;

namespace Ftp.Embedded.S3Tests;

/// <summary>
/// APPE and REST+STOR over RGW, byte-exact: from 5 MiB the existing part is copied inside the store (UploadPartCopy: the
/// object becomes a multipart upload, its ETag ends in -N), below it is read and uploaded again.
/// </summary>
[Collection(RgwGroup.Name)]
public sealed class S3ResumeTests(RgwFixture rgw) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private S3TestServer _server = null!;

    public async Task InitializeAsync() => _server = await S3TestServer.StartAsync(rgw);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task APPE_to_a_6_MiB_file_copies_it_inside_the_store()
    {
        var (first, more) = (Bytes(6 * MiB, 1), Bytes(MiB + 17, 2));
        await using var client = await LoginAsync();
        await client.StoreAsync("STOR a.bin", first);

        await client.StoreAsync("APPE a.bin", more);

        (await client.RetrieveAsync("RETR a.bin")).SequenceEqual(first.Concat(more)).Should().BeTrue();
        (await ETagAsync("a.bin")).Should().EndWith("-2\"", "the 6 MiB are one copied part and the new bytes a second part");
    }

    [Fact]
    public async Task APPE_to_a_small_file_reads_and_uploads_it_again()
    {
        var (first, more) = (Bytes(MiB, 3), Bytes(1000, 4));
        await using var client = await LoginAsync();
        await client.StoreAsync("STOR a.bin", first);

        await client.StoreAsync("APPE a.bin", more);

        (await client.RetrieveAsync("RETR a.bin")).SequenceEqual(first.Concat(more)).Should().BeTrue();
        (await ETagAsync("a.bin")).Should().NotContain("-", "1 MiB and 1000 bytes are stored again as one PutObject");
    }

    [Fact]
    public async Task REST_and_STOR_past_5_MiB_keeps_the_copied_head_and_replaces_the_tail()
    {
        var (first, tail) = (Bytes(9 * MiB, 5), Bytes(1000, 6));
        const int Offset = 6 * MiB + 5;
        await using var client = await LoginAsync();
        await client.StoreAsync("STOR r.bin", first);

        await client.ExpectAsync("REST " + Offset.ToString(CultureInfo.InvariantCulture), 350);
        await client.StoreAsync("STOR r.bin", tail);

        (await client.RetrieveAsync("RETR r.bin")).SequenceEqual(first.Take(Offset).Concat(tail)).Should().BeTrue();
        (await ETagAsync("r.bin")).Should().EndWith("-2\"", "6 MiB + 5 bytes are one copied part; read and uploaded again they would fit one PutObject");
    }

    [Fact]
    public async Task REST_and_STOR_below_5_MiB_keeps_the_head()
    {
        var (first, tail) = (Bytes(300_000, 7), Bytes(5000, 8));
        await using var client = await LoginAsync();
        await client.StoreAsync("STOR r.bin", first);

        await client.ExpectAsync("REST 1234", 350);
        await client.StoreAsync("STOR r.bin", tail);

        (await client.RetrieveAsync("RETR r.bin")).SequenceEqual(first.Take(1234).Concat(tail)).Should().BeTrue();
    }

    [Fact]
    public async Task APPE_of_nothing_to_a_6_MiB_file_leaves_it_as_it_was()
    {
        var first = Bytes(6 * MiB, 9);
        await using var client = await LoginAsync();
        await client.StoreAsync("STOR a.bin", first);

        await client.StoreAsync("APPE a.bin", []);

        (await client.RetrieveAsync("RETR a.bin")).SequenceEqual(first).Should().BeTrue();
    }

    private async Task<FtpWireClient> LoginAsync()
    {
        var client = await FtpWireClient.LoginAsync(_server.Port);
        client.Timeout = TimeSpan.FromSeconds(60);
        await client.ExpectAsync("TYPE I", 200);
        return client;
    }

    private async Task<string> ETagAsync(string name)
        => (await rgw.Client.GetObjectMetadataAsync(_server.Bucket, S3TestServer.Home + name)).ETag;

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
