//! [`Row`] as a Terraform resource: the lifecycle steps of [`super`] put
//! together, with identity, import, listing and generated configuration.

use async_trait::async_trait;

use super::*;

#[async_trait]
impl<T: MenuRow> Resource<Configured> for Row<T> {
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        (*Self::model_schema()).clone()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.validate(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        check_versions::<T>(
            ctx.client.version(),
            ctx.client.endpoint(),
            input.config,
            diags,
        );
        self.0
            .modify_plan(ctx, input, planned, private, diags)
            .await;
        if let Some(key) = planned.get_str(T::KEY.1) {
            claim_key(
                &ctx.client,
                T::TYPE_NAME,
                T::NOUN,
                T::KEY.1,
                key,
                input.config,
                diags,
            );
        }
        self.check_key_free(ctx, input, planned, private, diags)
            .await;
    }

    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        private.remove(REPLACING);
        let plan: T::Model = model_of(planned, diags)?;
        let made = self.0.create(ctx, &plan, config, private, diags).await?;
        self.state(&made, diags)
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        state: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let prior: T::Model = model_of(state, diags)?;
        let now = self.0.read(ctx, &prior, private, diags).await?;
        self.state(&now, diags)
    }

    async fn update(
        &self,
        ctx: &Ctx<Configured>,
        prior: &Value,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        private.remove(REPLACING);
        let old: T::Model = model_of(prior, diags)?;
        let plan: T::Model = model_of(planned, diags)?;
        let now = self
            .0
            .update(ctx, &old, &plan, config, private, diags)
            .await?;
        self.state(&now, diags)
    }

    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        prior: &Value,
        private: &Private,
        diags: &mut Diagnostics,
    ) {
        if let Some(old) = model_of::<T::Model>(prior, diags) {
            self.0.delete(ctx, &old, private, diags).await;
        }
    }

    async fn import(
        &self,
        ctx: &Ctx<Configured>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let row = lookup_import::<T>(&ctx.client, id, diags).await?;
        let model = self.0.imported(ctx, &row, diags).await?;
        self.state(&model, diags)
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema {
            version: IDENTITY_VERSION,
            attributes: vec![(
                T::KEY.1.to_string(),
                format!(
                    "The {} that names the {} on the router (RouterOS `{}`).",
                    T::KEY.1,
                    T::NOUN,
                    T::KEY.0
                ),
            )],
            optional: Vec::new(),
        })
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        state
            .get_str(T::KEY.1)
            .filter(|k| !k.is_empty())
            .map(Self::identity_value)
    }

    fn identity_changed(&self, prior_identity: &Value, state: &Value) -> Option<Diagnostic> {
        let was = prior_identity.get_str(T::KEY.1)?;
        let now = state.get_str(T::KEY.1)?;
        (was != now).then(|| diag::identity_changed(T::NOUN, T::KEY.1, was, now))
    }

    async fn import_identity(
        &self,
        ctx: &Ctx<Configured>,
        identity: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        match identity.get_str(T::KEY.1) {
            Some(key) if !key.trim().is_empty() => {
                let row = lookup_key::<T>(&ctx.client, key, diags).await?;
                let model = self.0.imported(ctx, &row, diags).await?;
                self.state(&model, diags)
            }
            _ => {
                diags.push(diag::identity_incomplete(T::NOUN, T::KEY.1));
                None
            }
        }
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(schema_from_model::<ListFilter>(
            0,
            &format!(
                "Lists the {} entries of the router (`{}`) for `terraform query`. Every filter is optional.",
                T::NOUN,
                T::MENU
            ),
        ))
    }

    async fn list(
        &self,
        ctx: &Ctx<Configured>,
        request: &ListRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Vec<ListItem> {
        let filter: ListFilter = if request.config.is_null() {
            ListFilter::default()
        } else {
            match model_of(request.config, diags) {
                Some(f) => f,
                None => return Vec::new(),
            }
        };
        if filter.interface.is_some() && !T::ON_A_PORT {
            diags.push(
                crate::plugin::diag::Diagnostic::error(
                    format!("A {} does not ride on a port", T::NOUN),
                    format!(
                        "{} lists take no `interface` filter. Filter by `name` (a pattern such as `uplink*`) instead.",
                        T::TYPE_NAME
                    ),
                )
                .at_attr("interface"),
            );
            return Vec::new();
        }
        let rows = match ctx.client.list(T::MENU).await {
            Ok(rows) => rows,
            Err(e) => {
                diags.push(request_diagnostic(&format!("listing {}", T::MENU), &e, &[]));
                return Vec::new();
            }
        };
        let mut items = Vec::new();
        for r in rows.iter() {
            if request.limit.is_some_and(|l| items.len() as i64 >= l) {
                break;
            }
            let Some(key) = r.get(T::KEY.0) else { continue };
            if let Some(c) = crate::plugin::text::unprintable(key) {
                diags.push(diag::unprintable_name(
                    T::NOUN,
                    T::MENU,
                    r.get(".id").map(String::as_str).unwrap_or("?"),
                    key,
                    c,
                ));
                continue;
            }
            if !self.0.listed(ctx, r).await
                || filter.name.as_deref().is_some_and(|p| !glob(p, key))
                || filter.disabled.is_some_and(|d| {
                    crate::resources::ros_bool(r.get("disabled").map(String::as_str).unwrap_or(""))
                        != d
                })
                || !self.0.filter_row(&filter, r)
            {
                continue;
            }
            let object = if request.include_resource {
                let Some(model) = self.0.list_model(ctx, r, diags).await else {
                    continue;
                };
                let Some(v) = self.state(&model, diags) else {
                    continue;
                };
                Some(v)
            } else {
                None
            };
            items.push(ListItem {
                identity: Self::identity_value(key),
                display_name: format!("{} {key}", T::NOUN),
                object,
            });
        }
        items
    }

    fn generate_config(&self, state: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let model: T::Model = model_of(state, diags)?;
        let config = self.0.generated_config(model, diags);
        self.state(&config, diags)
    }
}
