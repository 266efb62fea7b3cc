Você não gosta de histórias de amor.
Olhe para estas fotos
Ainda há muito a fazer
Tom apresentou-se a todos.
Suas reclamações, senhores, nunca têm fim.
Tom tem um pau grande.
Quase todas as portas estavam fechadas.
Não consigo entender por que o Tom não nos deixa ir.
Tom parece determinado.
Estávamos almoçando juntos.
Eu serei mais cuidadoso
O Tom contou para a Mary.
Eu gostaria que o Tom nos ajudasse.
Não quero ouvir nenhuma outra queixa sobre você.
Eu estou com vontade de comer alguma coisa.
Quem joga golfe?
Tom não se importa se você vencer.
Tom encheu o copo de vinho de Mary até a borda.
Tom sabe como falar Francês
Você ouviu sobre o que aconteceu?
Você pode me dar uma outra alternativa?
Eu estava querendo falar com você.
Eu queria me casar com ele.
Ele gosta de tomar sorvete.
Dan decidiu viajar pelo mundo.
Tom detesta cidades barulhentas.
Você está em boa companhia.
O motor é barulhento.
Este aspirador de pó é barulhento.
Por que você ainda está reclamando?
Não estou mais preocupado.
Tom está sempre de bom humor.
Resumindo, estou dizendo que a sociedade está melhorando.
Bons hábitos alimentares são essenciais.
As frutas contêm sementes.
Eu não deveria ter feito o que fiz.
Se não fosse pela minha família, eu desistiria deste emprego.
Eu não tenho planos de visitar a Austrália.
Porque eles estão jantando.
Eu tenho TOC.
Por favor, não alimente os pombos.
Matamos centenas de faisões a tiro.
Milhões de árvores foram cortadas para se fazer combustível.
Quanto tempo dura a viagem?
Que horas o jogo vai começar?
Eu tive de correr.
Acabei de ter uma ideia.
Isso nunca acabará.
Ele arregaçou suas mangas.
Ela arregaçou suas mangas.
Tom arregaçou as mangas da camisa.
Se você olhar a letra da música, ela não significa muita coisa.
Eu acho que morar com você influenciou seu estilo de vida.
Não gosto do inverno.
Aqui está o seu troco.
A fila está se movendo muito devagar.
Você nunca tem tempo para as coisas importantes.
Você deve se desculpar a ela por isso.
Isto não é justo.
Acabei de falar com Tom sobre aquele assunto.
Você deve cortar despesas extras para conseguir viver com o que ganha.
Você tem seu próprio quarto?
Você sabe usar um dicionário?
Você trabalhou muito essa semana.
Em que série você está?
Você ficará em casa.
Você deveria estudar mais.
Quanto tempo você ficará aqui?
Você não deveria menosprezar esse resultado.
Por que não deixamos Tom cuidar desse assunto? Afinal de contas, ele é o perito, certo?
Melhor pedir conselhos ao seu advogado.
Você seria tolo se pegasse dinheiro emprestado de um agiota.
Tentamos fazer o nosso melhor.
Sirius é a estrela mais brilhante no céu noturno.
Eu estou acostumado a conversar com crianças.
Tom se foi.
Nós estávamos lá ontem à noite.
Tom sempre usa primeiro em casa os sapatos novos, para amaciá-los.
Os médicos dizem que as crianças que foram amamentadas são geralmente mais saudáveis.
Você não vê o padrão?
Algumas pessoas acham que asa-delta é um esporte perigoso.
Acredito que a educação deve ser secular, e não enraizada na religião.
Eu adoro andar descalço na grama.
Preste atenção no que está comendo!
Eu gostaria de visitar a Austrália algum dia.
Eu pratiquei falar francês com Tom.
Alguém está vigiando a entrada.
A minha mulher é atriz.
Meu pai lê o jornal toda manhã.
Eu bocejei.
Não acredite em nada que ele diga.
A lua está visível.
Olhe para a lua.
É lua cheia.
A lua brilha no céu.
A lua está no céu.
Não há grama na Lua.
Seja um pouco mais bondoso!
Tom desembrulhou o chocolate.
Tenho estado muito ocupado com os exames!
Tenho estado muito ocupada com os exames!
Para muitas pessoas hoje, ''competitivo'' é um palavrão.
Tome sua sopa sem fazer barulho.
Você deve me avisar quando vier aqui da próxima vez.
Se chover, o jogo será cancelado.
É a primeira vez que arrumo meu quarto.
Daremos a você a sua vingança.
Quantas pessoas?
Eu pensei que estaríamos mais confortáveis aqui.
Faltam dez dias para a reunião.
Eu deveria ter trazido minha câmera.
Quando devo voltar?
Se a carapuça servir, vista-a.
De qualquer forma, três contra um é injusto.
Nunca machucamos o Tom.
Se você está feliz, melhor deixar as coisas como estão.
Parece que acabou de vez.
Alguns se ralaram, mas ninguém chegou a se ferir gravemente.
Eu me orgulho de tê-lo como amigo.
De agora em diante as coisas vão mudar. Para pior.
Tom come com a mão esquerda, mas escreve com a direita.
Alguém lembra por que nós decidimos fazer aquilo?
Tom é daltônico.
Dava gosto ver o Sami dançar.
Milagre de incompetência: a maioria dos críticos do Esperanto não conhece a língua.
Seu armário já está lotado. Você vai ter que arrumar espaço em algum outro lugar para as roupas que comprou.
Uma parte deste país pertence a mim.
Eu queimei meu dedo.
Você toca piano, não é?
Eu lamento por isso ter acontecido.
Talvez não tenhamos tempo o suficiente para fazer isso.
Um furacão destruiu a casa do Tom.
Tu entendes, não?
Ele permaneceu calado o tempo todo.
Tom chegou em casa cedo.
Uma pessoa pode realmente fazer a diferença?
Quem vai dirigir?
Todos se surpreenderam quando entrei na sala.
Vocês têm que trabalhar aos domingos?
Odeio matemática.
Isto não é comida.
O Tom tem grandes planos.
Tom tirou seu casaco porque estava ficando muito quente para usá-lo.
Isto não é amor.
A esposa de Tom faleceu na semana passada.
Eles viveram uma vida feliz.
Ele partiu em uma viagem.
Ele está escondendo algo de nós.
A criança é tímida e não fala muito.
Tom espera que Mary o ajude.
Tom bebeu três garrafas de vinho sozinho ontem à noite.
Quando Tom era jovem, ele comia três ovos todos os dias.
Nós fomos de canoa rio abaixo.
A esposa de Tom é professora.
Sou inocente.
Tom continua esquecendo as coisas.
O paciente foi liberado do hospital.
Gentileza gera gentileza.
Infelizmente, eu tive outro compromisso.
Tom está almoçando agora.
Nós o encontramos no caminho.
Ele esteve presente na reunião de ontem.
Pergunte ao Tom se a Mary sabe nadar.
O senhor sabe que isso é mentira.
Órion é uma das constelações mais fáceis de reconhecer.
Tom está em Boston agora.
A beleza em si mesma nada mais é que a imagem perceptível do infinito.
Passem a noite conosco e as levarei de manhã.
Com quem será que me casarei? Só o futuro dirá.
O Tom demonstrou como o dispositivo funcionava.
Quando seria conveniente para você?
Eu estou aqui por causa de você.
Tudo começou no dia em que nasci.
Tudo começou numa manhã de janeiro.
Os livros são qual abelhas que carregam o pólen vivificante de uma para outra mente.
Tudo começou neste laboratório.
Esta cadeira não é muito confortável.
Tudo começou com uma ideia.
Tudo começou com um sonho.
Urgentemente preciso ir ao banheiro.
Gostaria de aprender russo, mas meus amigos me disseram que é difícil.
Sou inocente, juro.
Por que isso é tão importante para você?
Não vou ficar para ouvir isso! Tenha um ótimo dia!
Não. Eu não acho isso muito engraçado.
O Tom disse que a Mary era uma pessoa legal.
A esposa dele é nossa professora de italiano.
Por que você nunca faz o que eu digo para você fazer?
Acabei de me lembrar de algo que tenho que fazer.
Minha esposa é advogada.
Os dois amigos, enquanto isso, percorreram / rapidamente a senda que os guiava, / e já subiam a colina que se eleva / dominando a cidade e que de cima / olha a fronteira fortaleza.
Você não tem que sair com o Tom.
Não se preocupe, eu estou cuidando disso.
O Espanhol é falado não só na Espanha.
Eles estão em apuros.
Tudo transcorreu bem.
Onde estão os pais dessas crianças?
Isso parece ser razoável.
Eles não estão aqui.
Mas ninguém acreditava em mim.
Que pergunta estúpida.
Será que você está bêbado?
O carbonato de amônio é um composto orgânico.
Assinale a alternativa correta.
Doem-me os pés.
Duas coisas as crianças devem receber de seus pais: raízes e asas!
É perigoso limpar a vidraça de um apartamento.
Os mergulhadores ficaram presos na caverna.
Você está com algum problema de audição?
O Halloween celebra-se em outubro.
Terça-feira é o Dia da Independência.
O mês de maio é o mês das mães.
Esta não é sua.
Fadil entrou em um campo minado.
Eu fiquei intrigado.
Minha língua nativa é o Francês.
Tom não fala muito bem em francês.
Há pouquíssimas frases em faroês aqui, e eu me pergunto o porquê.
Você parecia preocupado.
O que é que os senhores acharam que o Tom faria?
Meu francês não é de todo o bom.
O meu pai toma banho antes de comer.
Ela leu a carta, e então veio a saber que ele estava morto.
Provavelmente vai chover amanhã.
Eu conheço o Tom mais do que a Mary.
Todos os personagens desta história em quadrinhos são meninas.
Eu preciso estar aqui amanhã?
Tom trabalha cerca de 30 horas por semana.
Por que o amor é tão complicado?
Eu pensei que o Tom estaria seguro aqui.
Eu quero saber quem lhe deu isso.
O amigo do meu pai é um novelista famoso.
Há três quartos vagos, mas não é possível utilizar nenhum deles.
Queria poder estar aí com você.
Este livro é muito pesado.
De que será que se tratava?
Qual será o nome verdadeiro do Tom?
Eu me perguntei a mesma coisa.
Eu voltarei o mais cedo possível.
Eu voltarei para te ver amanhã.
Eu estarei no meu escritório a manhã inteira.
"Obrigado." "Por nada."
"Obrigado." "Não tem de quê."
Sou quatro anos mais novo que ele.
A casa que Tom construiu é realmente linda.
Minha filha teve uma concussão.
Tom sentou-se silenciosamente por 30 minutos.
Jim não é advogado. É médico.
De repente, minha mãe começou a cantar.
Tenho que comprar um tapete novo para esta sala.
Ela me mostrou o seu novo carro.
Ele sempre canta no chuveiro.
Muitos morrerão.
Você acha que o inglês é difícil?
Bom, está ficando tarde. Agora vamos.
Meus pais se foram.
O homem que está dirigindo o ônibus é meu melhor amigo.
Não quero atirar em você, mas o farei se precisar.
Tom é seis libras mais pesado que Jack.
O gato é manchado de marrom.
Eu tenho certeza de que o Tom voltará.
Tom pegou um pouco de torta.
Tom é um garoto honesto, então ele não mente.
Já que Tom é honesto, eu gosto dele.
Tom casou-se com uma mulher mais velha.
Tom disse que estava doente, mas isso era mentira.
Acho que meu alemão não é muito bom.
Ele veio e jantou com a gente.
Não tenho intenção de desculpar-me.
Eu gosto de escutar música clássica.
Enganou-nos completamente.
As chaves estão em cima da mesa.
Deixa meu carro em paz.
Comprei um relógio.
Seu machucado sangrava.
Vou a Paris este outono.
Este filme é para adultos, não para crianças.
Acho que Yumi está doente.
Ele está melhorando aos poucos.
"Papai, por que é que o céu é azul?" "Ora, porque sim!"
O Tom é um bom amigo.
Eu tive que ver um médico ontem.
Um pouco de água, por favor.
Você fez muito bem.
Tom tem um amigo em Boston.
Você pode vir às 9 horas?
Levou uma semana para ele terminar o trabalho.
É verdade que você avisou a Taninna para vender a casa?
Oito mais dois é dez.
Eu acho que é melhor não tentar isso.
Ela é feliz perto do namorado.
Eu posso provar isso.
Sem ossos quebrados.
O Tom não conseguia evitar de se preocupar com a Mary.
Moralidade é simplesmente a atitude que nós adotamos em direção às pessoas que nós não gostamos.
Eu simplesmente adoro o teu novo chapéu.
Eu vou dar uma pequena caminhada.
Uma grande quantidade de dinheiro foi gasta na nova ponte.
Esta é a casa onde ele vive.
Qual é a pior das hipóteses?
