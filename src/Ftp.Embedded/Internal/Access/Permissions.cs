using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Access;

/// <summary>Path resolution and permission checks shared by the commands; the engine checks before the filesystem is called.</summary>
internal static class Permissions
{
    /// <summary>Resolves a client path against the current directory; replies 553 and returns null when it is refused.</summary>
    public static async ValueTask<string?> ResolveAsync(ICommandContext ctx, string argument)
    {
        var error = VirtualPath.TryResolve(ctx.LoggedIn.CurrentDirectory, argument, ctx.Context.Options.Limits.MaxPathLength, out var path);
        switch (error)
        {
            case PathError.None when UploadTemporaryName.IsTemporaryPath(path):
                // An upload in progress: invisible to clients, and its name cannot be taken.
                await ctx.ReplyAsync(FtpReplyCode.FileNameNotAllowed, "File name not allowed: reserved for uploads in progress.");
                return null;
            case PathError.None:
                return path;
            case PathError.TooLong:
                await ctx.ReplyAsync(FtpReplyCode.FileNameNotAllowed, "File name too long.");
                return null;
            default:
                await ctx.ReplyAsync(FtpReplyCode.FileNameNotAllowed, "File name not allowed: it contains a control character or a backslash.");
                return null;
        }
    }

    /// <summary>Resolves a required path argument: 501 when missing, 553 when refused.</summary>
    public static async ValueTask<string?> RequirePathAsync(ICommandContext ctx, FtpRequest request)
    {
        if (!request.HasArgument)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, $"{request.Verb} needs a path.");
            return null;
        }

        return await ResolveAsync(ctx, request.Argument);
    }

    /// <summary>Checks <paramref name="permission"/>; replies 550 and returns false when the user lacks it.</summary>
    public static async ValueTask<bool> DemandAsync(ICommandContext ctx, FtpPermissions permission, string path)
    {
        var user = ctx.LoggedIn.User;
        var allowed = user.Can(permission) && !(permission != FtpPermissions.Write && IsUploadOnly(user, path));
        if (!allowed)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied.");
        }

        return allowed;
    }

    /// <summary>Whether <paramref name="path"/> lies in the anonymous upload-only folder (write once, never read).</summary>
    public static bool IsUploadOnly(FtpUser user, string path) => VirtualPath.IsInFolder(path, user.UploadOnlyDirectory);
}
