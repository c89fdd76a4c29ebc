namespace Ftp.Embedded;

/// <summary>Creates and checks PBKDF2 password hashes for local users.</summary>
public static class FtpPasswordHasher
{
    /// <summary>Hashes <paramref name="password"/> with a random salt.</summary>
    /// <param name="password">The password.</param>
    /// <returns>A self-describing hash string to store in <see cref="FtpLocalUser.PasswordHash"/>.</returns>
    public static string Hash(string password) => throw new NotImplementedException();

    /// <summary>Checks <paramref name="password"/> against <paramref name="hash"/> in constant time.</summary>
    /// <param name="password">The password given with PASS.</param>
    /// <param name="hash">A hash made by <see cref="Hash"/>.</param>
    /// <returns>Whether they match; <see langword="false"/> for a malformed hash.</returns>
    public static bool Verify(string password, string hash) => throw new NotImplementedException();
}
