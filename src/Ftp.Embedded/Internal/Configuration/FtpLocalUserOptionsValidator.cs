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
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
