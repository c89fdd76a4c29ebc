using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>Checks local users on start.</summary>
internal sealed class FtpLocalUserOptionsValidator : IValidateOptions<FtpLocalUserOptions>
{
    public ValidateOptionsResult Validate(string? name, FtpLocalUserOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            var label = $"Ftp:Users:{i} ({user.Name})";
            if (string.IsNullOrWhiteSpace(user.Name))
            {
                failures.Add($"Ftp:Users:{i} has no Name.");
            }
            else if (!seen.Add(user.Name))
            {
                failures.Add($"{label}: the name appears twice.");
            }

            if (!FtpPasswordHasher.IsHash(user.PasswordHash))
            {
                failures.Add($"{label}: PasswordHash is not a hash made by FtpPasswordHasher.Hash(password); create one with FtpPasswordHasher.Hash.");
            }

            if (!user.HomeDirectory.StartsWith('/'))
            {
                failures.Add($"{label}: HomeDirectory '{user.HomeDirectory}' must be a virtual path starting with '/'.");
            }

            failures.AddRange(LimitProblems(label, user));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The user's rates, session limit and networks.</summary>
    private static IEnumerable<string> LimitProblems(string label, FtpLocalUser user)
    {
        foreach (var (name, rate) in new[] { ("MaxDownloadRate", user.MaxDownloadRate), ("MaxUploadRate", user.MaxUploadRate) })
        {
            if (RateProblem(rate) is { } problem)
            {
                yield return $"{label}: {name} {rate} {problem}";
            }
        }

        if (user.MaxSessions < 0)
        {
            yield return $"{label}: MaxSessions {user.MaxSessions} is negative: give 0 (no limit) or the most sessions the user may hold at once.";
        }

        for (var i = 0; i < user.AllowedNetworks.Count; i++)
        {
            var entry = user.AllowedNetworks[i];
            if (!Proxy.TrustedNetworks.TryParse(entry, out _))
            {
                yield return $"{label}: AllowedNetworks:{i} '{entry}' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"2001:db8::/32\", or one address such as \"192.0.2.10\".";
            }
        }
    }

    /// <summary>What is wrong with a rate limit (0 or at least 1024 bytes per second), or <see langword="null"/>.</summary>
    internal static string? RateProblem(long rate)
        => rate == 0 || rate >= FtpServerLimits.MinRate
            ? null
            : $"is too low: give 0 (no limit) or at least {FtpServerLimits.MinRate} bytes per second.";
}
