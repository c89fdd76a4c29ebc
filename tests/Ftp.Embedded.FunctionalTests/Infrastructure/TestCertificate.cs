using System.Security.Cryptography.X509Certificates;
using Ftp.Embedded.Samples.Server;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>The sample host's self-signed certificate for localhost, one per test run (also compiled into the unit tests).</summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Create());

    public static X509Certificate2 Instance => Shared.Value;

    /// <inheritdoc cref="SelfSignedCertificate.Create"/>
    public static X509Certificate2 Create(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? extendedKeyUsage = null)
        => SelfSignedCertificate.Create(notBefore, notAfter, extendedKeyUsage);
}
