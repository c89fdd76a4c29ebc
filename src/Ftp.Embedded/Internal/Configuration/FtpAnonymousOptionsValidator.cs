using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>Checks anonymous access on start.</summary>
internal sealed class FtpAnonymousOptionsValidator : IValidateOptions<FtpAnonymousOptions>
{
    public ValidateOptionsResult Validate(string? name, FtpAnonymousOptions options)
    {
        var failures = new List<string>();
        if (options.UserNames.Count == 0 || options.UserNames.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Ftp:Anonymous:UserNames must list at least one non-empty name, such as \"anonymous\".");
        }

        if (!options.HomeDirectory.StartsWith('/'))
        {
            failures.Add($"Ftp:Anonymous:HomeDirectory '{options.HomeDirectory}' must be a virtual path starting with '/'.");
        }

        if (options.UploadDirectory is { } upload && !upload.StartsWith('/'))
        {
            failures.Add($"Ftp:Anonymous:UploadDirectory '{upload}' must be a path starting with '/', relative to the anonymous root.");
        }

        if (FtpLocalUserOptionsValidator.RateProblem(options.MaxDownloadRate) is { } downloadProblem)
        {
            failures.Add($"Ftp:Anonymous:MaxDownloadRate {options.MaxDownloadRate} {downloadProblem}");
        }

        if (FtpLocalUserOptionsValidator.RateProblem(options.MaxUploadRate) is { } uploadProblem)
        {
            failures.Add($"Ftp:Anonymous:MaxUploadRate {options.MaxUploadRate} {uploadProblem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
