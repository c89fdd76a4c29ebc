using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>
/// Runs an application's SITE command: after login, with a deadline (the data stall timeout), an exception or a missed
/// deadline answered with 451 and logged, never reaching the session.
/// </summary>
internal static class ApplicationCommand
{
    public static async ValueTask RunAsync(ICommandContext ctx, SiteCommandRegistration command, string argument)
    {
        var limit = ctx.Context.Options.Limits.DataStallTimeout;
        var user = ctx.LoggedIn.User;
        var context = new FtpSiteCommandContext(command.Name, argument, user, ctx.Info, ctx.LoggedIn.CurrentDirectory);
        using var deadline = new CancellationTokenSource(limit, ctx.Context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.Aborted, deadline.Token);
        Task<FtpSiteReply>? running = null;
        FtpSiteReply reply;
        try
        {
            running = Invoke(command, context, linked.Token);
            reply = await running.WaitAsync(linked.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"SITE {command.Name} returned no reply.");
        }
        catch (OperationCanceledException) when (ctx.Aborted.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            FtpLog.SiteCommandTimedOut(ctx.Context.Logger, ctx.Info.Id, command.Name, limit);
            Observe(running);
            await ctx.ReplyAsync(FtpReplyCode.LocalError, $"SITE {command.Name} did not finish in time.");
            return;
        }
        catch (Exception ex)
        {
            FtpLog.SiteCommandFailed(ctx.Context.Logger, ctx.Info.Id, command.Name, user.Name, ex);
            await ctx.ReplyAsync(FtpReplyCode.LocalError, $"SITE {command.Name} failed: local error in processing.");
            return;
        }

        await WriteAsync(ctx, reply);
    }

    private static async Task<FtpSiteReply> Invoke(SiteCommandRegistration command, FtpSiteCommandContext context, CancellationToken cancellationToken)
        => await command.Handler(context, cancellationToken).ConfigureAwait(false);

    /// <summary>A handler that ignored its cancellation may still fail later: its exception is observed, not left unobserved.</summary>
    private static void Observe(Task? running)
        => running?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static ValueTask WriteAsync(ICommandContext ctx, FtpSiteReply reply)
    {
        var code = (FtpReplyCode)reply.Code;
        var lines = reply.Lines;
        return lines.Count == 1
            ? ctx.ReplyAsync(code, lines[0])
            : ctx.ReplyMultilineAsync(code, lines[0], lines.Skip(1).Take(lines.Count - 2), lines[^1]);
    }
}
