using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ftp.Embedded;

/// <summary>
/// Creates and checks PBKDF2 password hashes for local users: HMAC-SHA256, a 16-byte random salt, a 32-byte hash and
/// 100,000 iterations by default. The hash string carries its parameters:
/// <c>PBKDF2-SHA256$100000$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>.
/// </summary>
public static class FtpPasswordHasher
{
    private const string Prefix = "PBKDF2-SHA256";
    private const int DefaultIterations = 100_000;
    private const int SaltSize = 16;
    private const int HashSize = 32;
    private const int MaxIterations = 10_000_000;

    /// <summary>Hashes <paramref name="password"/> with a random salt.</summary>
    /// <param name="password">The password.</param>
    /// <returns>A self-describing hash string to store in <see cref="FtpLocalUser.PasswordHash"/>.</returns>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, DefaultIterations, HashAlgorithmName.SHA256, HashSize);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}${DefaultIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Checks <paramref name="password"/> against <paramref name="hash"/> in constant time.</summary>
    /// <param name="password">The password given with PASS.</param>
    /// <param name="hash">A hash made by <see cref="Hash"/>.</param>
    /// <returns>Whether they match; <see langword="false"/> for a malformed hash.</returns>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(hash, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether <paramref name="hash"/> has the form <see cref="Hash"/> produces.</summary>
    /// <param name="hash">The string to check.</param>
    /// <returns><see langword="true"/> for a well-formed hash.</returns>
    public static bool IsHash(string? hash) => TryParse(hash, out _, out _, out _);

    private static bool TryParse(string? text, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = text?.Split('$');
        if (parts is not [Prefix, var count, var saltText, var hashText]
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length is >= 8 and <= 64 && hash.Length is >= 16 and <= 64;
    }
}
