namespace Ftp.Embedded.Samples.CustomFileSystem;

/// <summary>Atomic uploads: the data collects in memory and becomes the file's row, in one transaction, on commit.</summary>
public sealed partial class SqliteFileSystem
{
    public async ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
    {
        // Everything that would make the upload fail is checked now, before the client sends a byte.
        await using var connection = await OpenAsync(cancellationToken);
        var stored = Stored(path);
        await RequireParentAsync(connection, stored, path, cancellationToken);
        if (await FindAsync(connection, stored, cancellationToken) is { IsDirectory: true })
        {
            throw new IOException($"{path} is a directory.");
        }

        return new Upload(new UploadStream(this, stored, saveOnFlush: false));
    }

    /// <summary>Nothing is stored until <see cref="CommitAsync"/>; disposing without it drops the buffer and the old file stays.</summary>
    private sealed class Upload(UploadStream stream) : IFtpUpload
    {
        public Stream Stream => stream;

        public async ValueTask CommitAsync(CancellationToken cancellationToken) => await stream.SaveAsync(cancellationToken);

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
