namespace Ftp.Embedded.S3;

/// <summary>An atomic STOR: the object appears at <see cref="CommitAsync"/>; disposed without it, nothing is stored.</summary>
internal sealed class S3Upload(S3Writer writer) : IFtpUpload
{
    public Stream Stream => writer;

    public ValueTask CommitAsync(CancellationToken cancellationToken) => writer.CommitAsync(cancellationToken);

    public ValueTask DisposeAsync() => writer.DisposeAsync();
}
