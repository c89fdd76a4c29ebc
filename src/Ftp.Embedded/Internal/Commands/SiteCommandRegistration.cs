namespace Ftp.Embedded.Internal.Commands;

/// <summary>An application's SITE command, registered with <c>AddSiteCommand</c>.</summary>
internal sealed record SiteCommandRegistration(
    string Name,
    Func<FtpSiteCommandContext, CancellationToken, ValueTask<FtpSiteReply>> Handler,
    string? Syntax)
{
    /// <summary>The SITE commands the server implements itself; an application's command cannot take these names.</summary>
    public static readonly string[] BuiltIn = ["CHMOD", "UTIME", "HELP"];

    /// <summary>Checks a name: 1 to 32 ASCII letters, digits, '-' or '_', not a built-in one.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > 32 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return $"the SITE command name '{InfoCommands.Escape(name)}' must be 1 to 32 ASCII letters, digits, '-' or '_'.";
        }

        return BuiltIn.Contains(name.ToUpperInvariant(), StringComparer.Ordinal)
            ? $"SITE {name.ToUpperInvariant()} is built in and cannot be replaced; give the application's command another name."
            : null;
    }
}
