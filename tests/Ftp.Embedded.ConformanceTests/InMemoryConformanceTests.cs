using Ftp.Embedded.Testing;

namespace Ftp.Embedded.ConformanceTests;

/// <summary>The conformance kit against the in-memory provider, a new tree for each test.</summary>
public sealed class InMemoryConformanceTests : FtpFileSystemConformanceTests
{
    protected override ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<IFtpFileSystemProvider>(new InMemoryFileSystemProvider(new InMemoryFileSystem()));
}
