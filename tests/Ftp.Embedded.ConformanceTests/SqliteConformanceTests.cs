using Ftp.Embedded.Samples.CustomFileSystem;
using Ftp.Embedded.Testing;
using Microsoft.Data.Sqlite;

namespace Ftp.Embedded.ConformanceTests;

/// <summary>
/// The conformance kit against the SQLite sample, a new database file for each test, for a user whose home is below the
/// database's root as the sample configures it.
/// </summary>
public sealed class SqliteConformanceTests : FtpFileSystemConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ftp-conformance-sqlite-").FullName;
    private readonly string _connectionString;

    public SqliteConformanceTests() => _connectionString = $"Data Source={Path.Combine(_directory, "files.db")}";

    protected override FtpUser User { get; } = new("alice", "/home/alice", FtpPermissions.All);

    protected override ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<IFtpFileSystemProvider>(new SqliteFileSystemProvider(_connectionString));

    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        Directory.Delete(_directory, recursive: true);
    }
}
