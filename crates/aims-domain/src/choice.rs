//! Closed lists of choices (lifecycle stages, roles, statuses...): one macro gives each the
//! same stored name, label, parsing and list of every value, so forms, the API and the
//! database agree on the spelling.

/// Declares a closed list of choices with `as_str`, `label`, `ALL`, `Display` and `FromStr`;
/// parsing names `$field` in its error.
#[macro_export]
macro_rules! choice {
    (
        $(#[$doc:meta])* $vis:vis enum $name:ident ($field:literal) {
            $( $(#[$vdoc:meta])* $variant:ident = $stored:literal : $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vdoc])* #[serde(rename = $stored)] $variant ),+
        }

        impl $name {
            /// Every choice, in the order forms show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored and used in the API.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $stored),+ }
            }

            /// The name shown to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == s)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|c| c.as_str()).collect();
                        $crate::ValidationError::new($field, format!("must be one of {}", names.join(", ")))
                    })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::choice! {
        /// A test list.
        pub enum Colour ("colour") {
            Red = "red": "Red",
            DeepBlue = "deep_blue": "Deep blue",
        }
    }

    #[test]
    fn choices_parse_their_stored_name_and_reject_others_naming_the_field() {
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>().unwrap(), *c);
        }
        let err = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(err.field, "colour");
        assert!(err.message.contains("red, deep_blue"), "{}", err.message);
        assert_eq!(
            serde_json::to_string(&Colour::DeepBlue).unwrap(),
            "\"deep_blue\""
        );
        assert_eq!(Colour::DeepBlue.label(), "Deep blue");
    }
}
