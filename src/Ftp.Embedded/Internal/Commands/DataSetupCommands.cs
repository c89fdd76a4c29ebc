using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Net;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>PASV, EPSV (RFC 2428), PORT, EPRT (RFC 2428): prepare the data connection of the next transfer.</summary>
internal static class DataSetupCommands
{
    public static async ValueTask Pasv(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.Settings.EpsvAll)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "PASV not allowed after EPSV ALL.");
            return;
        }

        var local = ctx.Info.LocalEndPoint.Address;
        var advertised = AddressNormalizer.Normalize(await ctx.Context.DataChannelPolicy.GetPassiveAddressAsync(ctx.Info, ctx.Aborted));

        if (local.AddressFamily != AddressFamily.InterNetwork || advertised.AddressFamily != AddressFamily.InterNetwork)
        {
            await ctx.ReplyAsync(FtpReplyCode.NetworkProtocolNotSupported, "PASV needs IPv4; use EPSV.");
            return;
        }

        var channel = await OpenPassiveAsync(ctx, local);
        if (channel is null)
        {
            return;
        }

        var a = advertised.GetAddressBytes();
        var port = channel.Port;
        await ctx.ReplyAsync(FtpReplyCode.EnteringPassiveMode, string.Create(CultureInfo.InvariantCulture,
            $"Entering Passive Mode ({a[0]},{a[1]},{a[2]},{a[3]},{port >> 8},{port & 0xFF})."));
    }

    public static async ValueTask Epsv(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var argument = request.Argument.Trim();
        var local = ctx.Info.LocalEndPoint.Address;
        var family = local.AddressFamily == AddressFamily.InterNetwork ? "1" : "2";
        if (argument.Equals("ALL", StringComparison.OrdinalIgnoreCase))
        {
            ctx.ChangeSettings(ctx.Settings with { EpsvAll = true });
            await ctx.ReplyAsync(FtpReplyCode.Okay, "EPSV ALL okay.");
            return;
        }

        if (argument.Length > 0 && argument != family)
        {
            await ctx.ReplyAsync(argument is "1" or "2" ? FtpReplyCode.NetworkProtocolNotSupported : FtpReplyCode.SyntaxErrorInArguments,
                argument is "1" or "2" ? $"Network protocol not supported, use ({family})" : "EPSV takes 1, 2 or ALL.");
            return;
        }

        var channel = await OpenPassiveAsync(ctx, local);
        if (channel is not null)
        {
            await ctx.ReplyAsync(FtpReplyCode.EnteringExtendedPassiveMode, string.Create(CultureInfo.InvariantCulture, $"Entering Extended Passive Mode (|||{channel.Port}|)"));
        }
    }

    public static async ValueTask Port(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!await CheckActiveAllowedAsync(ctx, "PORT"))
        {
            return;
        }

        if (!TryParsePort(request.Argument, out var target))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "PORT takes h1,h2,h3,h4,p1,p2.");
            return;
        }

        await PrepareActiveAsync(ctx, target, "PORT");
    }

    public static async ValueTask Eprt(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!await CheckActiveAllowedAsync(ctx, "EPRT"))
        {
            return;
        }

        switch (TryParseEprt(request.Argument, out var target))
        {
            case EprtResult.UnsupportedFamily:
                await ctx.ReplyAsync(FtpReplyCode.NetworkProtocolNotSupported, "Network protocol not supported, use (1,2)");
                return;
            case EprtResult.Invalid:
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "EPRT takes |1|IPv4 address|port| or |2|IPv6 address|port|.");
                return;
        }

        await PrepareActiveAsync(ctx, target!, "EPRT");
    }

    internal static bool TryParsePort(string argument, out IPEndPoint target)
    {
        target = null!;
        var parts = argument.Trim().Split(',');
        if (parts.Length != 6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (!byte.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        var port = (bytes[4] << 8) | bytes[5];
        if (port == 0)
        {
            return false;
        }

        target = new IPEndPoint(new IPAddress(bytes[..4]), port);
        return true;
    }

    internal enum EprtResult
    {
        Ok,
        Invalid,
        UnsupportedFamily,
    }

    internal static EprtResult TryParseEprt(string argument, out IPEndPoint? target)
    {
        target = null;
        argument = argument.Trim();
        if (argument.Length < 7)
        {
            return EprtResult.Invalid;
        }

        var delimiter = argument[0];
        if (delimiter < 33 || delimiter > 126 || argument[^1] != delimiter)
        {
            return EprtResult.Invalid;
        }

        var parts = argument[1..^1].Split(delimiter);
        if (parts.Length != 3)
        {
            return EprtResult.Invalid;
        }

        if (parts[0] is not ("1" or "2"))
        {
            return int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? EprtResult.UnsupportedFamily : EprtResult.Invalid;
        }

        var family = parts[0] == "1" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[1], out var address) || address.AddressFamily != family
            || !ushort.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            return EprtResult.Invalid;
        }

        target = new IPEndPoint(address, port);
        return EprtResult.Ok;
    }

    private static async ValueTask<PassiveDataChannel?> OpenPassiveAsync(ICommandContext ctx, IPAddress local)
    {
        // One listener per session, kept across PASV/EPSV while idle (the same port is answered again); one that cannot be
        // leased again is given up first, so its port is free for the new one.
        var channel = PassiveDataChannel.TryReuse(ctx.Context, ctx.PassiveListener, local);
        if (channel is null)
        {
            ctx.PrepareData(null);
            channel = PassiveDataChannel.TryCreate(ctx.Context, local);
        }

        if (channel is null)
        {
            await ctx.ReplyAsync(FtpReplyCode.CantOpenDataConnection, "Can't open data connection: no passive port is free, try again later.");
            return null;
        }

        ctx.PrepareData(channel);
        return channel;
    }

    private static async ValueTask<bool> CheckActiveAllowedAsync(ICommandContext ctx, string verb)
    {
        if (ctx.Settings.EpsvAll)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, $"{verb} not allowed after EPSV ALL.");
            return false;
        }

        if (!ctx.Context.Options.Active.Enabled)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "Active mode is disabled on this server; use PASV or EPSV.");
            return false;
        }

        return true;
    }

    private static async ValueTask PrepareActiveAsync(ICommandContext ctx, IPEndPoint target, string verb)
    {
        target = AddressNormalizer.Normalize(target);

        var decision = ctx.Context.DataChannelPolicy.AllowActive(ctx.Info, target);
        if (!decision.IsAllowed)
        {
            // RFC 2577: the default policy never connects to a third party or a privileged port on a client's behalf.
            await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, $"{verb} refused: {decision.Reason ?? "the server's data-channel policy does not allow that target."}");
            return;
        }

        var local = ctx.Info.LocalEndPoint.Address;
        ctx.PrepareData(new ActiveDataChannel(target, local, ctx.Context.Options.Active.UsePort20));
        await ctx.ReplyAsync(FtpReplyCode.Okay, $"{verb} command successful.");
    }
}
