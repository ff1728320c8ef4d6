//! The data folder is for aims alone: the database, its journal, evidence files, backups and
//! job folders are readable by the account aims runs as and nobody else.

use std::path::Path;

/// Makes every file and folder this process creates from now on private to its owner
/// (mode 0600 and 0700), whatever the umask it was started with.
#[allow(unsafe_code)]
pub fn for_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only changes this process's file-creation mask; it cannot fail and
    // touches no memory. It runs before any other thread creates files.
    unsafe {
        libc::umask(0o077);
    }
}

/// Takes away other accounts' access to what an earlier version left readable in the data
/// folder: the folder itself, the SQLite database with its journal files, and the blobs.
pub fn tighten(data_dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let restrict = |path: &Path, mode: u32| -> std::io::Result<()> {
            match std::fs::metadata(path) {
                Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                }
                Ok(_) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            }
        };
        restrict(data_dir, 0o700)?;
        restrict(&data_dir.join("blobs"), 0o700)?;
        for file in ["aims.db", "aims.db-wal", "aims.db-shm", "demo-password"] {
            restrict(&data_dir.join(file), 0o600)?;
        }
    }
    Ok(())
}
