using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>Forwards to <see cref="Permissions"/> for callers not yet moved to it.</summary>
internal static class Access
{
    public static ValueTask<string?> ResolveAsync(FtpSession session, string argument) => Permissions.ResolveAsync(session, argument);

    public static ValueTask<string?> RequirePathAsync(FtpSession session, FtpRequest request) => Permissions.RequirePathAsync(session, request);

    public static ValueTask<bool> DemandAsync(FtpSession session, FtpPermissions permission, string path) => Permissions.DemandAsync(session, permission, path);

    public static bool IsUploadOnly(FtpUser user, string path) => Permissions.IsUploadOnly(user, path);
}
