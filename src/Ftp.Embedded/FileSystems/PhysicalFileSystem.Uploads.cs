using System.Text;
using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded;

/// <summary>Atomic uploads on disk: a hidden temporary file beside the target, renamed over it on commit.</summary>
public sealed partial class PhysicalFileSystem
{
    /// <summary>The longest file name, in UTF-8 bytes, that Linux filesystems (ext4, xfs, btrfs, tmpfs) accept.</summary>
    private const int MaxNameBytes = 255;

    /// <inheritdoc/>
    /// <remarks>
    /// The data goes to <c>.ftp-upload-XXXXXXXXXXXXXXXX.part</c> in the target's directory (a name of fixed length, so a
    /// target of 255 bytes can still be uploaded) and is renamed over the target on commit; it is deleted when the upload
    /// is discarded. The name, the parent and a directory in the way are checked before any byte is sent.
    /// </remarks>
    public ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
    {
        var host = MapForCreate(path);
        if (Encoding.UTF8.GetByteCount(Path.GetFileName(host)) > MaxNameBytes)
        {
            throw new PathTooLongException($"The name of '{path}' is longer than {MaxNameBytes} bytes.");
        }

        if (Directory.Exists(host))
        {
            throw new IOException($"'{path}' is a directory.");
        }

        var temporary = Path.Join(Path.GetDirectoryName(host), UploadTemporaryName.Create());
        return ValueTask.FromResult<IFtpUpload>(new PhysicalUpload(this, path, temporary, CreateFile(temporary)));
    }

    private sealed class PhysicalUpload(PhysicalFileSystem fileSystem, string path, string temporary, FileStream stream) : IFtpUpload
    {
        private bool _committed;

        public Stream Stream => stream;

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            // Checked again: a link or a directory may have appeared at the target while the data was arriving.
            var host = fileSystem.MapForCreate(path);
            if (Directory.Exists(host))
            {
                throw new IOException($"'{path}' is a directory.");
            }

            File.Move(temporary, host, overwrite: true);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Removed by the provider's clean-up at the next start; hidden from clients meanwhile.
                }
            }
        }
    }
}
