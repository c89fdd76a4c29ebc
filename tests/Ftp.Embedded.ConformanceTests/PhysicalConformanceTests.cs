using Ftp.Embedded.Testing;

namespace Ftp.Embedded.ConformanceTests;

/// <summary>The conformance kit against the disk provider over a temporary directory, removed after each test.</summary>
public sealed class PhysicalConformanceTests : FtpFileSystemConformanceTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ftp-conformance-").FullName;

    protected override ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<IFtpFileSystemProvider>(new PhysicalFileSystemProvider(_root));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
