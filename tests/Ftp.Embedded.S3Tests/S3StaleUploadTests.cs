using Amazon.S3.Model;
using Ftp.Embedded.S3;

namespace Ftp.Embedded.S3Tests;

/// <summary>The start-up sweep (IFtpStaleUploadCleanup) aborts multipart uploads older than the configured age below the key prefix, and only those.</summary>
[Collection(RgwGroup.Name)]
public sealed class S3StaleUploadTests(RgwFixture rgw)
{
    private static readonly TimeSpan Age = TimeSpan.FromHours(1);

    [Fact]
    public async Task Uploads_older_than_the_age_are_aborted_and_younger_ones_kept()
    {
        var bucket = await rgw.CreateBucketAsync();
        var old = await StartUploadAsync(bucket, "ftp/home/a/old.bin");
        var young = await StartUploadAsync(bucket, "ftp/home/a/young.bin");
        for (var deadline = DateTime.UtcNow.AddSeconds(10); young.Initiated <= old.Initiated; young = await StartUploadAsync(bucket, "ftp/home/a/young.bin"))
        {
            // The store's clock may count whole seconds: start again until the upload is younger than the first.
            DateTime.UtcNow.Should().BeBefore(deadline, "a second upload must start later than the first");
            await rgw.Client.AbortMultipartUploadAsync(bucket, "ftp/home/a/young.bin", young.Id);
            await Task.Delay(50);
        }

        var outside = await StartUploadAsync(bucket, "other/old.bin");
        var now = old.Initiated + (young.Initiated - old.Initiated) / 2 + Age;
        var options = rgw.Options(bucket, "ftp");
        options.StaleUploadAge = Age;
        options.TimeProvider = new FixedTime(now);
        using var provider = new S3FileSystemProvider(options);

        var aborted = await provider.RemoveStaleUploadsAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        aborted.Should().Be(1);
        var left = (await rgw.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? [];
        left.Select(u => u.UploadId).Should().BeEquivalentTo([young.Id, outside.Id], "the young upload and the one outside the key prefix are kept");
    }

    private async Task<(DateTime Initiated, string Id)> StartUploadAsync(string bucket, string key)
    {
        var id = (await rgw.Client.InitiateMultipartUploadAsync(bucket, key)).UploadId;
        var uploads = (await rgw.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = key })).MultipartUploads ?? [];
        return (uploads.Single(u => u.UploadId == id).Initiated!.Value.ToUniversalTime(), id);
    }

    private sealed class FixedTime(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utcNow, TimeSpan.Zero);
    }
}
