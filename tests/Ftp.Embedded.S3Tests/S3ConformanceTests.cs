using Ftp.Embedded.S3;
using Ftp.Embedded.Testing;

namespace Ftp.Embedded.S3Tests;

/// <summary>The conformance kit against <see cref="S3FileSystemProvider"/> over RGW: a new bucket per test, below a key prefix.</summary>
[Collection(RgwGroup.Name)]
public sealed class S3ConformanceTests(RgwFixture rgw) : FtpFileSystemConformanceTests
{
    protected override async ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
        => new S3FileSystemProvider(rgw.Options(await rgw.CreateBucketAsync(), "tenant"));
}
