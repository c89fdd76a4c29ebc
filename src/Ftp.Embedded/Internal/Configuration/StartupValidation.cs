using Ftp.Embedded.Internal.Hosting;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>What <see cref="FtpServer.StartAsync"/> checks before it binds anything.</summary>
internal static class StartupValidation
{
    /// <summary>
    /// Checks the options, the local users against anonymous login and, when TLS is on, loads the certificate; throws
    /// an <see cref="OptionsValidationException"/> with every problem found. Logs a warning when nobody can log in.
    /// </summary>
    public static void Validate(ServerContext context)
    {
        var failures = new List<string>();
        var options = new FtpServerOptionsValidator().Validate(null, context.Options);
        if (options.Failed)
        {
            failures.AddRange(options.Failures);
        }

        failures.AddRange(ShadowedUsers(context.Authenticators));
        failures.AddRange(SiteCommandProblems(context.SiteCommandList));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("Ftp", typeof(FtpServerOptions), failures);
        }

        if (context.Tls.IsEnabled)
        {
            context.Tls.Validate();
        }

        if (context.Authenticators.Count == 0)
        {
            FtpLog.NoAuthenticator(context.Logger);
        }
    }

    /// <summary>Application SITE commands with a bad name, a built-in name, or a name taken twice.</summary>
    private static IEnumerable<string> SiteCommandProblems(IReadOnlyList<Commands.SiteCommandRegistration> commands)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            if (Commands.SiteCommandRegistration.Problem(command.Name) is { } problem)
            {
                yield return "AddSiteCommand: " + problem;
            }
            else if (!seen.Add(command.Name.ToUpperInvariant()))
            {
                yield return $"AddSiteCommand: SITE {command.Name.ToUpperInvariant()} is added twice; names are case-insensitive. Remove one of them.";
            }
        }
    }

    /// <summary>
    /// Local users whose name is also an anonymous name: whichever authenticator comes first answers for the name, so
    /// either the user's password or anonymous access under that name could never be used.
    /// </summary>
    private static IEnumerable<string> ShadowedUsers(IReadOnlyList<IFtpAuthenticator> authenticators)
    {
        foreach (var local in authenticators.OfType<LocalUserAuthenticator>())
        {
            for (var i = 0; i < local.UserNames.Count; i++)
            {
                var name = local.UserNames[i];
                if (authenticators.OfType<AnonymousAuthenticator>().Any(a => a.IsKnownUser(name)))
                {
                    yield return $"Ftp:Users:{i} ({name}): '{name}' is also an anonymous user name (Ftp:Anonymous:UserNames), "
                        + "so anonymous login and this user would claim the same name. Rename the user, or remove the name from Ftp:Anonymous:UserNames.";
                }
            }
        }
    }
}
