using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// STOR, APPE, STOU. An atomic upload goes through the filesystem's own <see cref="IFtpAtomicUploadFileSystem"/>, or a
/// hidden temporary file renamed over the target after a clean end; either way a failed upload keeps the previous file.
/// </summary>
internal sealed record UploadRequest(string Path, FtpWriteMode Mode, long Offset, bool Atomic, bool Binary) : TransferRequest(Path, Binary)
{
    /// <summary>STOU: the 150 reply names the new file (RFC 1123 section 4.1.2.9).</summary>
    public bool Unique { get; init; }

    public override FtpTransferDirection? Direction => FtpTransferDirection.Upload;

    public override string OpeningText => Unique ? $"FILE: {VirtualPath.GetName(Path)}" : Opening(Binary, VirtualPath.GetName(Path));

    public override async ValueTask<TransferBody> OpenAsync(IFtpFileSystem fileSystem, CancellationToken cancellationToken)
    {
        if (!Atomic)
        {
            return new Body(await fileSystem.OpenWriteAsync(Path, Mode, Offset, cancellationToken).ConfigureAwait(false), null, Binary);
        }

        var upload = fileSystem is IFtpAtomicUploadFileSystem atomic
            ? await atomic.BeginUploadAsync(Path, cancellationToken).ConfigureAwait(false)
            : await TemporaryFileUpload.BeginAsync(fileSystem, Path, cancellationToken).ConfigureAwait(false);
        return new Body(upload.Stream, upload, Binary);
    }

    private sealed class Body(Stream file, IFtpUpload? upload, bool binary) : TransferBody
    {
        public override ValueTask CopyAsync(DataConnection data, ITransferProgress progress, CancellationToken cancellationToken)
            => DataCopy.UploadAsync(data, file, binary, progress, cancellationToken);

        public override async ValueTask FinishAsync(bool completed)
        {
            if (upload is null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                return;
            }

            await using (upload.ConfigureAwait(false))
            {
                if (completed)
                {
                    await upload.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }
}
