using System.IO.Pipelines;
using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>LIST, NLST, MLSD, MLST and STAT with a path. Listings stream: memory stays flat for any directory size.</summary>
internal static class ListingCommands
{
    public static ValueTask List(ICommandContext ctx, FtpRequest request, Pending pending) => StartAsync(ctx, request, ListingFormat.List);

    public static ValueTask Nlst(ICommandContext ctx, FtpRequest request, Pending pending) => StartAsync(ctx, request, ListingFormat.Names);

    public static ValueTask Mlsd(ICommandContext ctx, FtpRequest request, Pending pending) => StartAsync(ctx, request, ListingFormat.Facts);

    /// <summary>MLST (RFC 3659 section 7): the facts of one entry over the control connection.</summary>
    public static async ValueTask Mlst(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (await FindAsync(ctx, request.Argument) is not var (path, info))
        {
            return;
        }

        var user = ctx.LoggedIn.User;
        var facts = ctx.Settings.MlstFacts;
        await ctx.ReplyStreamingAsync(FtpReplyCode.FileActionOkay, $"Listing {path}", (writer, _) =>
        {
            ListingFormatter.WriteFactsLine(writer, info, path, facts, user, path, leadingSpace: true);
            return ValueTask.CompletedTask;
        }, "End");
    }

    /// <summary>STAT path: the LIST lines over the control connection as a 213 multi-line reply.</summary>
    public static async ValueTask StatPath(ICommandContext ctx, FtpRequest request)
    {
        if (await FindAsync(ctx, StripOptions(request.Argument)) is not var (path, info))
        {
            return;
        }

        var fileSystem = ctx.LoggedIn.FileSystem;
        var now = ctx.Context.TimeProvider.GetUtcNow();
        await ctx.ReplyStreamingAsync(FtpReplyCode.FileStatus, $"Status of {path}:", async (writer, ct) =>
        {
            if (!info.IsDirectory)
            {
                WriteSpace(writer);
                ListingFormatter.WriteListLine(writer, info, now);
                return;
            }

            await foreach (var entry in fileSystem.ListAsync(path, ct))
            {
                if (UploadTemporaryName.Matches(entry.Name))
                {
                    continue;
                }

                WriteSpace(writer);
                ListingFormatter.WriteListLine(writer, entry, now);
                if (writer.UnflushedBytes > ListingRequest.FlushThreshold)
                {
                    await writer.FlushAsync(ct);
                }
            }
        }, "End of status.");
    }

    private static async ValueTask StartAsync(ICommandContext ctx, FtpRequest request, ListingFormat format)
    {
        if (await FindAsync(ctx, format == ListingFormat.Facts ? request.Argument : StripOptions(request.Argument)) is not var (path, info))
        {
            return;
        }

        if (format == ListingFormat.Facts && !info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "MLSD needs a directory; use MLST for a file.");
            return;
        }

        var now = ctx.Context.TimeProvider.GetUtcNow();
        await ctx.StartTransferAsync(new ListingRequest(path, info, format, ctx.Settings.MlstFacts, ctx.LoggedIn.User, now)
        {
            ProtectionRequired = TlsRequirements.RequiresTls(ctx, forData: true),
        });
    }

    /// <summary>Resolves a listing argument (empty: the current directory) that the user may read; replies and returns null otherwise.</summary>
    private static async ValueTask<(string Path, FtpFileInfo Info)?> FindAsync(ICommandContext ctx, string argument)
    {
        var path = argument.Length > 0 ? await Permissions.ResolveAsync(ctx, argument) : ctx.LoggedIn.CurrentDirectory;
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Read, path))
        {
            return null;
        }

        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted)
                   ?? (path == VirtualPath.Root ? new FtpFileInfo("/", IsDirectory: true, 0, DateTimeOffset.UnixEpoch) : null);
        if (info is null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return null;
        }

        return (path, info);
    }

    /// <summary>Drops <c>ls</c>-style options (<c>-a</c>, <c>-l</c>, <c>-la</c>…) that clients send with LIST and NLST.</summary>
    internal static string StripOptions(string argument)
    {
        var rest = argument.TrimStart();
        while (rest.StartsWith('-'))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            rest = space < 0 ? "" : rest[(space + 1)..].TrimStart();
        }

        return rest;
    }

    private static void WriteSpace(PipeWriter writer)
    {
        writer.GetSpan(1)[0] = (byte)' ';
        writer.Advance(1);
    }
}
