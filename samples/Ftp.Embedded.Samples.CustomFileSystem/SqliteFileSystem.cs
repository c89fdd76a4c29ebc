using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Ftp.Embedded.Samples.CustomFileSystem;

/// <summary>
/// Files and directories stored as rows of one SQLite table. One instance per user, rooted at the user's home.
/// Shows the contract: paths arrive normalised ("/a/b"); missing entries throw FileNotFoundException or
/// DirectoryNotFoundException, conflicts IOException, and a policy refusal an FtpException with its own reply code.
/// The database runs in WAL mode, so a download that is reading a file keeps reading the version it opened while an
/// upload replaces it, and uploads are atomic (<see cref="IFtpAtomicUploadFileSystem"/>): the row is written on commit.
/// </summary>
public sealed partial class SqliteFileSystem(string connectionString, string root) : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpAtomicUploadFileSystem
{
    /// <summary>Uploads larger than this are refused with 552, to show an application rule mapped to a reply code.</summary>
    public const long MaxFileSize = 64 * 1024 * 1024;

    public async ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FindAsync(connection, Stored(path), cancellationToken) is { } row ? row.Info(path == "/" ? "/" : Name(path)) : null;
    }

    public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var directory = Stored(path);
        if (await FindAsync(connection, directory, cancellationToken) is not { IsDirectory: true })
        {
            throw new DirectoryNotFoundException($"No directory {path}.");
        }

        await using var command = Command(connection, "SELECT name, is_dir, length, modified FROM entries WHERE parent = $p ORDER BY name", ("$p", directory));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new FtpFileInfo(reader.GetString(0), reader.GetBoolean(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        }
    }

    public async ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        var row = await FindAsync(connection, Stored(path), cancellationToken);
        if (row is not { IsDirectory: false })
        {
            await connection.DisposeAsync();
            throw row is null ? new FileNotFoundException($"No file {path}.") : new IOException($"{path} is a directory.");
        }

        // SqliteBlob streams the column in place: a large file is never loaded whole.
        var blob = new SqliteBlob(connection, "entries", "content", row.RowId, readOnly: true);
        blob.Position = Math.Min(offset, blob.Length);
        return new OwningStream(blob, connection);
    }

    public async ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var stored = Stored(path);
        await RequireParentAsync(connection, stored, path, cancellationToken);
        var existing = await FindAsync(connection, stored, cancellationToken);
        if (existing is { IsDirectory: true })
        {
            throw new IOException($"{path} is a directory.");
        }

        var keep = mode switch
        {
            FtpWriteMode.Create => 0,
            FtpWriteMode.Append => existing?.Length ?? 0,
            _ => offset <= (existing?.Length ?? 0) ? offset : throw new FtpException(FtpReplyCode.SyntaxErrorInArguments, "Restart offset is beyond the end of the file."),
        };
        var upload = new UploadStream(this, stored, saveOnFlush: true);
        if (keep > 0)
        {
            await using var old = new SqliteBlob(connection, "entries", "content", existing!.RowId, readOnly: true);
            await CopyAsync(old, upload, keep, cancellationToken);
        }

        return upload;
    }

    public async ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var stored = Stored(path);
        await RequireParentAsync(connection, stored, path, cancellationToken);
        if (await FindAsync(connection, stored, cancellationToken) is not null)
        {
            throw new IOException($"{path} exists already.");
        }

        await InsertAsync(connection, stored, isDirectory: true, ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    public async ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await FindAsync(connection, Stored(path), cancellationToken) ?? throw new FileNotFoundException($"No file {path}.");
        if (row.IsDirectory)
        {
            throw new IOException($"{path} is a directory.");
        }

        await Execute(connection, "DELETE FROM entries WHERE rowid = $r", cancellationToken, ("$r", row.RowId));
    }

    public async ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var stored = Stored(path);
        var row = await FindAsync(connection, stored, cancellationToken) ?? throw new DirectoryNotFoundException($"No directory {path}.");
        await using var children = Command(connection, "SELECT COUNT(*) FROM entries WHERE parent = $p", ("$p", stored));
        if (!row.IsDirectory || path == "/" || (long)(await children.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            throw new IOException($"{path} is not an empty directory.");
        }

        await Execute(connection, "DELETE FROM entries WHERE rowid = $r", cancellationToken, ("$r", row.RowId));
    }

    public async ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var from = Stored(sourcePath);
        var to = Stored(destinationPath);
        var row = await FindAsync(connection, from, cancellationToken) ?? throw new FileNotFoundException($"No file {sourcePath}.");
        await RequireParentAsync(connection, to, destinationPath, cancellationToken);
        var target = await FindAsync(connection, to, cancellationToken);
        if (target is { IsDirectory: true } || (row.IsDirectory && (target is not null || to.StartsWith(from + "/", StringComparison.Ordinal))))
        {
            throw new IOException($"Cannot move {sourcePath} to {destinationPath}.");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "DELETE FROM entries WHERE path = $to", cancellationToken, ("$to", to));
        await Execute(connection, "UPDATE entries SET path = $to, parent = $parent, name = $name WHERE rowid = $r", cancellationToken,
            ("$to", to), ("$parent", Parent(to)), ("$name", Name(to)), ("$r", row.RowId));
        // A moved directory takes its whole subtree along.
        await Execute(connection,
            "UPDATE entries SET path = $to || substr(path, length($from) + 1), parent = $to || substr(parent, length($from) + 1) " +
            "WHERE substr(path, 1, length($from) + 1) = $from || '/'", cancellationToken, ("$to", to), ("$from", from));
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await FindAsync(connection, Stored(path), cancellationToken) ?? throw new FileNotFoundException($"No file {path}.");
        await Execute(connection, "UPDATE entries SET modified = $m WHERE rowid = $r", cancellationToken, ("$m", lastWriteTime.ToUnixTimeMilliseconds()), ("$r", row.RowId));
    }

    internal static async Task EnsureSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await Execute(connection,
            "CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, parent TEXT NOT NULL, name TEXT NOT NULL, is_dir INTEGER NOT NULL, " +
            "content BLOB NOT NULL, length INTEGER NOT NULL, modified INTEGER NOT NULL); " +
            "CREATE INDEX IF NOT EXISTS entries_parent ON entries(parent); " +
            "INSERT OR IGNORE INTO entries VALUES ('/', '', '', 1, zeroblob(0), 0, 0); " +
            // Readers see the version they started with while a writer commits, and a commit costs one sync, not three.
            "PRAGMA journal_mode = WAL;", cancellationToken);
    }

    internal async Task EnsureDirectoryAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var path = "";
        foreach (var segment in root.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + segment;
            if (await FindAsync(connection, path, cancellationToken) is null)
            {
                await InsertAsync(connection, path, isDirectory: true, ReadOnlyMemory<byte>.Empty, cancellationToken);
            }
        }
    }

    private async Task SaveAsync(string stored, MemoryStream content, CancellationToken cancellationToken)
    {
        if (content.Length > MaxFileSize)
        {
            throw new FtpException(FtpReplyCode.ExceededStorageAllocation, $"Files are limited to {MaxFileSize / (1024 * 1024)} MiB here.");
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Checked again inside the transaction: the directory may have gone, or a directory appeared, while the data came.
        await RequireParentAsync(connection, stored, stored, cancellationToken);
        if (await FindAsync(connection, stored, cancellationToken) is { IsDirectory: true })
        {
            throw new IOException($"{stored} is a directory.");
        }

        await Execute(connection, "DELETE FROM entries WHERE path = $p AND is_dir = 0", cancellationToken, ("$p", stored));
        await InsertAsync(connection, stored, isDirectory: false, content.GetBuffer().AsMemory(0, (int)content.Length), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<Row?> FindAsync(SqliteConnection connection, string stored, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT rowid, is_dir, length, modified FROM entries WHERE path = $p", ("$p", stored));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Row(reader.GetInt64(0), reader.GetBoolean(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            : null;
    }

    private static async Task RequireParentAsync(SqliteConnection connection, string stored, string path, CancellationToken cancellationToken)
    {
        if (await FindAsync(connection, Parent(stored), cancellationToken) is not { IsDirectory: true })
        {
            throw new DirectoryNotFoundException($"The directory of {path} does not exist.");
        }
    }

    private static async Task InsertAsync(SqliteConnection connection, string stored, bool isDirectory, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        => await Execute(connection, "INSERT INTO entries VALUES ($p, $parent, $name, $d, $c, $l, $m)", cancellationToken,
            ("$p", stored), ("$parent", Parent(stored)), ("$name", Name(stored)), ("$d", isDirectory), ("$c", content.ToArray()),
            ("$l", (long)content.Length), ("$m", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task CopyAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            count -= read;
        }
    }

    private string Stored(string path) => root == "/" ? path : path == "/" ? root : root + path;

    private static string Parent(string stored) => stored.LastIndexOf('/') is var i and > 0 ? stored[..i] : "/";

    private static string Name(string stored) => stored[(stored.LastIndexOf('/') + 1)..];

    private sealed record Row(long RowId, bool IsDirectory, long Length, DateTimeOffset Modified)
    {
        public FtpFileInfo Info(string name) => new(name, IsDirectory, Length, Modified);
    }

    /// <summary>
    /// Collects an upload in memory (up to <see cref="MaxFileSize"/>) and stores it as one row: when it is flushed at the
    /// end of a clean transfer (APPE, REST + STOR), or when the atomic upload that owns it is committed (STOR).
    /// </summary>
    private sealed class UploadStream(SqliteFileSystem owner, string stored, bool saveOnFlush) : MemoryStream
    {
        private bool _saved;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > MaxFileSize)
            {
                throw new FtpException(FtpReplyCode.ExceededStorageAllocation, $"Files are limited to {MaxFileSize / (1024 * 1024)} MiB here.");
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (saveOnFlush)
            {
                await SaveAsync(cancellationToken);
            }
        }

        public async Task SaveAsync(CancellationToken cancellationToken)
        {
            if (!_saved)
            {
                _saved = true;
                await owner.SaveAsync(stored, this, cancellationToken);
            }
        }

        // No save on dispose: the server flushes only after the data connection closed cleanly, so a broken upload
        // leaves the database as it was.
    }

    /// <summary>A stream that also closes the connection it reads through.</summary>
    private sealed class OwningStream(Stream inner, SqliteConnection connection) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await connection.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>Gives each user the part of the database under its home directory (created on first login).</summary>
public sealed class SqliteFileSystemProvider(string connectionString) : IFtpFileSystemProvider
{
    private readonly Lazy<Task> _schema = new(() => SqliteFileSystem.EnsureSchemaAsync(connectionString, CancellationToken.None));

    /// <summary>What every <see cref="SqliteFileSystem"/> implements besides IFtpFileSystem: MFMT, and uploads written on commit.</summary>
    public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AtomicUploads;

    public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await _schema.Value;
        var fileSystem = new SqliteFileSystem(connectionString, user.HomeDirectory);
        await fileSystem.EnsureDirectoryAsync(cancellationToken);
        return fileSystem;
    }
}
