using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// What one transfer moves (RETR, STOR/APPE/STOU, LIST/NLST/MLSD): it opens its source or sink against the filesystem
/// before the data connection, and says what the 150 reply tells the client.
/// </summary>
internal abstract record TransferRequest(string Path, bool Binary)
{
    /// <summary>The direction a file transfer reports at its end; <see langword="null"/> for a listing, which reports nothing.</summary>
    public abstract FtpTransferDirection? Direction { get; }

    /// <summary>The text of the 150 reply.</summary>
    public abstract string OpeningText { get; }

    /// <summary>Whether the policy wants this data connection protected (PROT P) and refuses it in the clear.</summary>
    public bool ProtectionRequired { get; init; }

    /// <summary>The most bytes an upload may write (the user's quota); <see cref="long.MaxValue"/> for none.</summary>
    public long Limit { get; init; } = long.MaxValue;

    /// <summary>Opens the file or listing; its errors are the command's (nothing was started yet).</summary>
    public abstract ValueTask<TransferBody> OpenAsync(IFtpFileSystem fileSystem, CancellationToken cancellationToken);

    /// <summary>The one wording of a 150 reply: "Opening BINARY mode data connection for <paramref name="subject"/>."</summary>
    protected static string Opening(bool binary, string subject)
        => $"Opening {(binary ? "BINARY" : "ASCII")} mode data connection for {subject}.";
}

/// <summary>An opened transfer: copies over the data connection, then finishes (closes the file, commits an upload).</summary>
internal abstract class TransferBody
{
    public abstract ValueTask CopyAsync(DataConnection data, ITransferProgress progress, CancellationToken cancellationToken);

    /// <summary>Runs after the copy either way, <paramref name="completed"/> when everything was moved; its failure replaces 226.</summary>
    public virtual ValueTask FinishAsync(bool completed) => ValueTask.CompletedTask;
}

/// <summary>RETR: <paramref name="Length"/> is the file's size, told in the 150 reply less <paramref name="Offset"/>.</summary>
internal sealed record DownloadRequest(string Path, long Offset, long Length, bool Binary) : TransferRequest(Path, Binary)
{
    public override FtpTransferDirection? Direction => FtpTransferDirection.Download;

    public override string OpeningText => Opening(Binary, $"{VirtualPath.GetName(Path)} ({Length - Offset} bytes)");

    public override async ValueTask<TransferBody> OpenAsync(IFtpFileSystem fileSystem, CancellationToken cancellationToken)
        => new Body(await fileSystem.OpenReadAsync(Path, Offset, cancellationToken).ConfigureAwait(false), Offset, Binary);

    private sealed class Body(Stream file, long offset, bool binary) : TransferBody
    {
        public override ValueTask CopyAsync(DataConnection data, ITransferProgress progress, CancellationToken cancellationToken)
            => DataCopy.DownloadAsync(file, offset, binary, data, progress, cancellationToken);

        public override ValueTask FinishAsync(bool completed) => file.DisposeAsync();
    }
}
